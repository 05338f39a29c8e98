// Durations in the protobuf JSON form Envoy's configuration uses: "2s", "300s", "0.5s" (seconds with up to
// nine fractional digits and a trailing "s"). Anything else is refused, so a typo cannot become zero.

/** Milliseconds of a duration string, or -1 when it is not "<seconds>[.<fraction>]s" or exceeds `maxMs`. */
export function parseDurationMs(text: string, maxMs: i64): i64 {
  const n = text.length;
  if (n < 2 || text.charCodeAt(n - 1) != 0x73 /* s */) return -1;
  let whole: i64 = 0;
  let i = 0;
  let digits = 0;
  while (i < n - 1) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    whole = whole * 10 + (c - 0x30);
    if (whole > 1_000_000_000) return -1; // far beyond any sensible timeout; also keeps i64 safe
    digits++;
    i++;
  }
  if (digits == 0) return -1;
  let fractionMs: i64 = 0;
  if (i < n - 1) {
    if (text.charCodeAt(i) != 0x2e /* . */) return -1;
    i++;
    let places = 0;
    while (i < n - 1) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return -1;
      // Only the first three places matter for milliseconds; the rest must still be digits.
      if (places < 3) fractionMs = fractionMs * 10 + (c - 0x30);
      places++;
      i++;
    }
    if (places == 0 || places > 9) return -1;
    for (let p = places; p < 3; p++) fractionMs *= 10;
  }
  const ms = whole * 1000 + fractionMs;
  return ms > maxMs ? -1 : ms;
}
