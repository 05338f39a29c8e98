// How the project's long-running commands (`npm start`, `npm run demo`) end. Supervisors, `timeout`, `docker stop`
// and CI runners signal one PID, not a process group, and npm passes only SIGINT and SIGTERM on (and dies of
// SIGHUP): so every process here stops what it started on SIGINT, SIGTERM or SIGHUP, and also when the process
// that started it goes away without passing a signal on. Afterwards it dies of the same signal, so its parent
// (npm, a shell) sees 130 / 143 / 129, never a success.
import { spawn } from "node:child_process";

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Children started through spawnTracked that have not exited yet. */
const children = new Set();
let stoppingFor = null;

/** The stop signal being handled, or null: code that sees a child end meanwhile leaves the exit to the handler. */
export function stopping() {
  return stoppingFor;
}

/**
 * Spawns a child in a process group of its own (so its own children, a pip or npm install say, can be stopped
 * together with it) and tracks it until it exits. Resolves `exited` with the exit code, or 128 + n for a signal.
 */
export function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], ...options, detached: true });
  children.add(child);
  child.exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
    child.once("error", () => {
      children.delete(child);
      resolve(127);
    });
  });
  return child;
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 0;
}

/** Sends `signal` to every tracked child's process group, then SIGKILL to what is left after `graceMs`. */
export async function stopChildren(signal = "SIGTERM", graceMs = 4000) {
  const waiting = [...children];
  for (const child of waiting) killGroup(child, signal);
  const timer = setTimeout(() => { for (const child of waiting) killGroup(child, "SIGKILL"); }, graceMs);
  await Promise.all(waiting.map((c) => c.exited));
  clearTimeout(timer);
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Runs `stop(signal)` once, on SIGINT, SIGTERM or SIGHUP, or (as SIGHUP) when the parent process is gone; then
 * the process dies of that signal. `stop` should stop everything this process started; tracked children are
 * stopped afterwards in any case.
 */
export function onStopSignal(stop = async () => {}) {
  const handle = async (signal) => {
    if (stoppingFor) return;
    stoppingFor = signal;
    try {
      await stop(signal);
    } catch (err) {
      console.error(`stopping: ${err?.message ?? err}`);
    }
    await stopChildren("SIGTERM");
    dieOf(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void handle(signal));
  // Orphaned: the parent died (npm of a SIGHUP, anything of a SIGKILL) and we were handed to init or a subreaper.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void handle("SIGHUP");
  }, 250).unref();
}

/** Dies of `signal` (handlers removed first), as a process that did not catch it would. */
export function dieOf(signal) {
  for (const s of STOP_SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
  // If the signal is blocked or ignored in this process, still end with the conventional status.
  setTimeout(() => process.exit(128 + signalNumber(signal)), 1000).unref();
}
