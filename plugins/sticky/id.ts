// Minting IDs that route home: an ID is `<prefix><dc>.<22 random characters>` (or `<prefix><22 random>`
// without a data-centre section), and it is drawn again and again until the pod table sends it to the
// pod that asked. Each draw is fresh randomness from the host (WASI random_get), so an ID reveals nothing
// about the others; expected draws = 1 / (the pod's share of the table), bounded by id.max_attempts.
import { randomBytes } from "../../assembly/sdk";
import { PodTable } from "./table";

/** 22 characters of a 64-letter alphabet: 132 random bits. */
export const RANDOM_CHARS: i32 = 22;
/** Attempts served by one random_get call (22 bytes each). */
const ATTEMPTS_PER_DRAW: i32 = 256;

/** base64url's alphabet: safe unescaped in headers, cookies, query strings and path segments. */
const ALPHABET: StaticArray<u8> = alphabet();

function alphabet(): StaticArray<u8> {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const out = new StaticArray<u8>(64);
  for (let i = 0; i < 64; i++) out[i] = <u8>letters.charCodeAt(i);
  return out;
}

export class MintResult {
  constructor(
    /** The ID, or "" when no draw landed on the pod within the allowed attempts. */
    readonly id: string,
    readonly attempts: i32,
  ) {}
}

/** The fixed start of every ID this gateway mints: the prefix, then the DC tag and "." when DCs are configured. */
export function idHead(prefix: string, localDc: string): string {
  return localDc.length > 0 ? prefix + localDc + "." : prefix;
}

/**
 * Draws IDs `head + random` until `table` routes one to pod `pod`, at most `maxAttempts` times.
 * `head` must be ASCII (the configuration only allows ASCII there).
 */
export function mintId(table: PodTable, pod: i32, head: string, maxAttempts: i32): MintResult {
  const headLength = head.length;
  const length = headLength + RANDOM_CHARS;
  const buffer = new StaticArray<u8>(length);
  const buf = changetype<usize>(buffer);
  for (let i = 0; i < headLength; i++) store<u8>(buf + <usize>i, <u8>head.charCodeAt(i));
  const tail = buf + <usize>headLength;
  const letters = changetype<usize>(ALPHABET);
  let attempts = 0;
  while (attempts < maxAttempts) {
    const batch = min(ATTEMPTS_PER_DRAW, maxAttempts - attempts);
    const random = randomBytes(batch * RANDOM_CHARS);
    let r = random.dataStart;
    for (let a = 0; a < batch; a++) {
      // 256 is a multiple of 64, so the low 6 bits of a uniform byte are a uniform letter.
      for (let j: usize = 0; j < <usize>RANDOM_CHARS; j++) {
        store<u8>(tail + j, load<u8>(letters + <usize>(load<u8>(r + j) & 63)));
      }
      r += <usize>RANDOM_CHARS;
      attempts++;
      if (table.chooseRaw(buf, <usize>length) == pod) {
        return new MintResult(String.UTF8.decodeUnsafe(buf, <usize>length), attempts);
      }
    }
  }
  return new MintResult("", attempts);
}

/**
 * The data centre an ID names: the text between `prefix` and the first "." after it, when the key
 * starts with the prefix; "" otherwise (a key this scheme did not mint is treated as local).
 */
export function dcOfKey(key: string, prefix: string): string {
  if (!key.startsWith(prefix)) return "";
  const dot = key.indexOf(".", prefix.length);
  if (dot <= prefix.length) return "";
  return key.substring(prefix.length, dot);
}
