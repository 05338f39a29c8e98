// JUnit XML for CI systems: one <testsuite> per case file, one <testcase> per case; a failing case carries one
// <failure> whose message is its first failed expectation and whose text lists them all (file:line: field: ...).
function escape(text) {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const seconds = (ms) => (ms / 1000).toFixed(3);

/** suites: [{ name, file, results }] (results as runInHarness returns them). */
export function junitXml(suites) {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = suites.flatMap((s) => s.results);
  const count = (list, status) => list.filter((r) => r.status === status).length;
  const total = (list) => seconds(list.reduce((sum, r) => sum + r.ms, 0));
  lines.push(`<testsuites name="waymark test" tests="${all.length}" failures="${count(all, "fail")}" skipped="${count(all, "skip")}" time="${total(all)}">`);
  for (const s of suites) {
    lines.push(`  <testsuite name="${escape(s.name)}" tests="${s.results.length}" failures="${count(s.results, "fail")}" errors="0" skipped="${count(s.results, "skip")}" time="${total(s.results)}">`);
    for (const r of s.results) {
      const open = `    <testcase classname="${escape(s.name)}" name="${escape(r.name)}" time="${seconds(r.ms)}"`;
      const notes = r.notes.length ? `      <system-out>${escape(r.notes.join("\n"))}</system-out>` : null;
      if (r.status === "pass" && !notes) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (r.status === "fail") {
        const where = (f) => `${s.file}:${f.line}: ${f.field}: ${f.message}`;
        lines.push(`      <failure message="${escape(`${r.failures[0].field}: ${r.failures[0].message}`)}" type="expectation">${escape(r.failures.map(where).join("\n"))}</failure>`);
      } else if (r.status === "skip") {
        lines.push(`      <skipped message="${escape(r.notes[0] ?? "skipped")}"/>`);
      }
      if (notes) lines.push(notes);
      lines.push("    </testcase>");
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return lines.join("\n") + "\n";
}
