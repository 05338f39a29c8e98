// Free TCP ports on 127.0.0.1, found by binding port 0 and releasing it.
import { freePort } from "../cli/envoy-process.mjs";

export { freePort };

export async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freePort();
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
