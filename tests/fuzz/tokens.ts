// JWT attacks for fuzzing the tenant plugin: every trick in the book applied to tokens signed by `jose`.
import fc from "fast-check";
import { base64url } from "jose";

const enc = (o: unknown) => base64url.encode(typeof o === "string" ? o : JSON.stringify(o));
const dec = (s: string) => { try { return JSON.parse(new TextDecoder().decode(base64url.decode(s))); } catch { return {}; } };

function withHeader(token: string, change: (h: Record<string, unknown>) => Record<string, unknown>): string {
  const [h, p, s] = token.split(".");
  return [enc(change(dec(h))), p, s].join(".");
}
function withPayload(token: string, change: (p: Record<string, unknown>) => Record<string, unknown>): string {
  const [h, p, s] = token.split(".");
  return [h, enc(change(dec(p))), s].join(".");
}

/** The attacks, each turning a genuine token into one that must be refused. */
export function attacks(valid: string, hmacSecretFromRsa: string): fc.Arbitrary<string> {
  const alg = dec(valid.split(".")[0]).alg as string;
  return fc.oneof(
    fc.constantFrom("none", "None", "NONE", "nOnE").map((a) => [enc({ ...dec(valid.split(".")[0]), alg: a }), valid.split(".")[1], ""].join(".")),
    fc.constantFrom("none", "NoNe").map((a) => withHeader(valid, (h) => ({ ...h, alg: a }))),
    fc.constant(hmacSecretFromRsa), // RS256 public key used as an HS256 secret (algorithm confusion)
    fc.constantFrom("HS256", "RS256", "ES256", "PS256", "EdDSA", "RS1", "hs256", "").filter((a) => a !== alg).map((a) => withHeader(valid, (h) => ({ ...h, alg: a }))),
    fc.constantFrom("nope", "../../etc/passwd", "", "\u0000", "a".repeat(5000)).map((kid) => withHeader(valid, (h) => ({ ...h, kid }))),
    fc.constant(withHeader(valid, (h) => ({ ...h, crit: ["exp"] }))),
    fc.constant(withHeader(valid, (h) => ({ ...h, b64: false, crit: ["b64"] }))),
    fc.constant((() => { const [h, p, s] = valid.split("."); const raw = new TextDecoder().decode(base64url.decode(h)); return [enc(raw.replace("{", `{"alg":"none",`)), p, s].join("."); })()),
    fc.constant(valid + "="),
    fc.constant(valid.replace(/\.([^.]*)$/, ".$1==")),
    fc.constant(valid + "."),
    fc.constant(valid.split(".").slice(0, 2).join(".")),
    fc.constant(valid + ".extra"),
    fc.constant(valid.replace(/-/g, "+").replace(/_/g, "/")),
    fc.constant(valid + "A".repeat(20_000)),
    fc.constantFrom(-7200, 7200).map((shift) => withPayload(valid, (p) => ({ ...p, exp: (p.exp as number) + shift, nbf: (p.iat as number) + shift }))),
    fc.constant(withPayload(valid, (p) => ({ ...p, iss: "https://evil.example.com" }))),
    fc.constant(withPayload(valid, (p) => ({ ...p, aud: "someone-else" }))),
    fc.constant(withPayload(valid, (p) => ({ ...p, tenant: "globex" }))),
    fc.nat({ max: valid.length - 1 }).chain((i) => fc.integer({ min: 1, max: 255 }).map((x) => {
      const c = valid.charCodeAt(i) ^ x;
      return valid.slice(0, i) + String.fromCharCode(c) + valid.slice(i + 1);
    })),
  );
}
