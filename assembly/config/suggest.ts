// "Did you mean ...?" for a misspelt field name: the allowed name at the smallest edit distance (insertions,
// deletions, substitutions and swaps of two neighbouring letters; case ignored), when it is close enough to be
// what was meant: at most 2 edits, and fewer than half the letters typed.

/** The allowed name nearest to `typed`, or null when none is plausibly what was meant. */
export function nearestName(typed: string, allowed: string[]): string | null {
  const a = typed.toLowerCase();
  let best: string | null = null;
  let bestDistance = i32.MAX_VALUE;
  for (let i = 0; i < allowed.length; i++) {
    const d = editDistance(a, allowed[i].toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = allowed[i];
    }
  }
  return bestDistance <= 2 && bestDistance * 2 < typed.length ? best : null;
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
export function editDistance(a: string, b: string): i32 {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const d = new Int32Array((n + 1) * width);
  for (let i = 0; i <= n; i++) d[i * width] = i;
  for (let j = 0; j <= m; j++) d[j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) == b.charCodeAt(j - 1) ? 0 : 1;
      let v = min(min(d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1), d[(i - 1) * width + j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) == b.charCodeAt(j - 2) && a.charCodeAt(i - 2) == b.charCodeAt(j - 1)) {
        v = min(v, d[(i - 2) * width + j - 2] + 1);
      }
      d[i * width + j] = v;
    }
  }
  return d[n * width + m];
}
