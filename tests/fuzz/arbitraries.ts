// Adversarial inputs for fuzzing plugins through the harness: headers (huge, many, repeated, non-UTF-8, empty
// names), bodies (valid, truncated, deeply nested, huge numbers, invalid escapes) and chunk splits.
import fc from "fast-check";

const token = fc.stringMatching(/^[a-z0-9-]{1,20}$/);

/** Header values: ordinary text, every byte, huge, empty. */
export const headerValue: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\t", "null", "undefined", "%00", "..", "/", "a,b", '"quoted"') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }).map((n) => "v".repeat(n)) },
);

/** Header names: ordinary, empty, upper case, pseudo-looking, non-ASCII. */
export const headerName: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: token.map((t) => `x-${t}`) },
  { weight: 1, arbitrary: fc.constantFrom("", "X-UPPER", ":fake", "cookie", "content-type", "authorization", "x-forwarded-for") },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
);

/** A header list: a few to hundreds, some repeated, mixed with the names a plugin cares about. */
export function headerList(interesting: fc.Arbitrary<[string, string | Uint8Array]>): fc.Arbitrary<Array<[string, string | Uint8Array]>> {
  const pair = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(headerName, headerValue) },
    { weight: 2, arbitrary: interesting },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(pair, { maxLength: 12 }) },
    { weight: 1, arbitrary: fc.array(pair, { minLength: 100, maxLength: 300 }) },
  );
}

/** JSON text: valid documents, and the ways bodies go wrong. */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }).chain((j) => fc.nat({ max: Math.max(0, j.length - 1) }).map((n) => j.slice(0, n))) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((d) => "[".repeat(d) + "]".repeat(d)) },
  { weight: 1, arbitrary: fc.constantFrom('{"a":"\\x"}', '{"a":"\\ud800"}', '{"a":1e999999}', '{"a":-0}', '{"a":01}', '{"a":1,}',
    '{"a"}', "\u0000", '{"a":"\u0001"}', '{"a":"b"}garbage', "{}{}", '{"a":' + "9".repeat(400) + "}") },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

/** Splits bytes into chunks at random boundaries (every split is a valid delivery). */
export function chunked(body: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array[]> {
  return body.chain((text) => {
    const bytes = Buffer.from(text, "utf8");
    return fc.uniqueArray(fc.nat({ max: Math.max(0, bytes.length) }), { maxLength: 6 }).map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
      const out: Uint8Array[] = [];
      for (let i = 1; i < points.length; i++) out.push(new Uint8Array(bytes.subarray(points[i - 1], points[i])));
      return out.length ? out : [new Uint8Array(0)];
    });
  });
}
