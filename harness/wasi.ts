// WASI preview1 as Envoy 1.40's host implements it (proxy-wasm-cpp-host src/exports.cc, wasi_unstable_*): only
// stdout and stderr exist (writes go to the plugin's log at info and error), there are no files, no arguments,
// environment variables only as the VM configuration gives them, and most calls are stubs with a fixed errno.
// Every errno and every byte written here was measured in Envoy 1.40 (tests/sdk-plugins/c, scenario "wasi").
import { randomFillSync } from "node:crypto";
import { LogLevel } from "./abi.ts";

export const ERRNO = { SUCCESS: 0, BADF: 8, EXIST: 20, FAULT: 21, NOENT: 44, NOSYS: 52, NOTSUP: 58 } as const;

export interface WasiContext {
  memory(): WebAssembly.Memory;
  log(level: LogLevel, message: string): void;
  /** Realtime and monotonic clocks, in ns. */
  nowNs(): bigint;
  environment(): Array<[string, string]>;
}

class Fault extends Error {}

const isStdio = (fd: number): boolean => fd === 1 || fd === 2;

export function wasiImports(ctx: WasiContext): Record<string, (...args: any[]) => number | void> {
  const view = (): DataView => new DataView(ctx.memory().buffer);
  const bytes = (): Uint8Array => new Uint8Array(ctx.memory().buffer);
  const check = (ptr: number, len: number): void => {
    if (ptr < 0 || len < 0 || ptr + len > ctx.memory().buffer.byteLength) throw new Fault();
  };
  const u32 = (ptr: number, value: number): void => { check(ptr, 4); view().setUint32(ptr, value, true); };
  const u64 = (ptr: number, value: bigint): void => { check(ptr, 8); view().setBigUint64(ptr, value, true); };
  /** Runs a call; a pointer outside the memory answers EFAULT, as the host's bounds checks do. */
  const guarded = (fn: (...args: any[]) => number) => (...args: any[]): number => {
    try {
      return fn(...args.map((a) => (typeof a === "number" ? a >>> 0 : a)));
    } catch (err) {
      if (err instanceof Fault) return ERRNO.FAULT;
      throw err;
    }
  };
  const fixed = (errno: number) => (): number => errno;
  /** Calls that succeed (doing nothing) on stdout/stderr and answer EBADF for any other descriptor. */
  const stdioOnly = (fd: number): number => (isStdio(fd) ? ERRNO.SUCCESS : ERRNO.BADF);

  /** The host's writev: gathers the buffers and logs them without one trailing newline. */
  const write = (fd: number, iovs: number, count: number, retWritten: number): number => {
    if (!isStdio(fd)) return ERRNO.BADF;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < count; i++) {
      check(iovs + i * 8, 8);
      const ptr = view().getUint32(iovs + i * 8, true);
      const len = view().getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      check(ptr, len);
      parts.push(bytes().slice(ptr, ptr + len));
      total += len;
    }
    if (total > 0) {
      let text = Buffer.concat(parts).toString("utf8");
      if (text.endsWith("\n")) text = text.slice(0, -1);
      ctx.log(fd === 1 ? LogLevel.Info : LogLevel.Error, text);
    }
    u32(retWritten, total);
    return ERRNO.SUCCESS;
  };

  const encodedEnvironment = (): Uint8Array[] => ctx.environment().map(([k, v]) => Buffer.from(`${k}=${v}\0`, "utf8"));

  return {
    args_get: fixed(ERRNO.SUCCESS),
    args_sizes_get: guarded((argc: number, size: number) => { u32(argc, 0); u32(size, 0); return ERRNO.SUCCESS; }),
    environ_get: guarded((array: number, buf: number) => {
      for (const entry of encodedEnvironment()) {
        u32(array, buf);
        check(buf, entry.length);
        bytes().set(entry, buf);
        buf += entry.length;
        array += 4;
      }
      return ERRNO.SUCCESS;
    }),
    environ_sizes_get: guarded((count: number, size: number) => {
      const entries = encodedEnvironment();
      u32(count, entries.length);
      u32(size, entries.reduce((n, e) => n + e.length, 0));
      return ERRNO.SUCCESS;
    }),
    clock_res_get: guarded((id: number, ret: number) => {
      if (id > 1) return ERRNO.NOTSUP;
      u64(ret, 1n);
      return ERRNO.SUCCESS;
    }),
    clock_time_get: guarded((id: number, _precision: bigint, ret: number) => {
      if (id > 1) return ERRNO.NOTSUP; // realtime (0) and monotonic (1) only
      u64(ret, ctx.nowNs());
      return ERRNO.SUCCESS;
    }),
    fd_advise: fixed(ERRNO.SUCCESS),
    fd_allocate: stdioOnly,
    fd_close: fixed(ERRNO.SUCCESS),
    fd_datasync: stdioOnly,
    fd_fdstat_get: guarded((fd: number, ret: number) => {
      if (!isStdio(fd)) return ERRNO.BADF;
      check(ret, 24);
      u64(ret, 0n); // filetype unknown, no flags
      u64(ret + 8, 64n); // rights: fd_write
      u64(ret + 16, 0n);
      return ERRNO.SUCCESS;
    }),
    fd_fdstat_set_flags: fixed(ERRNO.NOSYS),
    fd_fdstat_set_rights: stdioOnly,
    fd_filestat_get: fixed(ERRNO.BADF),
    fd_filestat_set_size: stdioOnly,
    fd_filestat_set_times: stdioOnly,
    fd_pread: fixed(ERRNO.NOSYS),
    fd_prestat_get: fixed(ERRNO.BADF), // no preopened directories
    fd_prestat_dir_name: fixed(ERRNO.NOSYS),
    fd_pwrite: guarded((fd: number, iovs: number, count: number, _offset: bigint, ret: number) => write(fd, iovs, count, ret)),
    fd_read: fixed(ERRNO.NOSYS),
    fd_readdir: guarded((_fd: number, _buf: number, _len: number, _cookie: bigint, retUsed: number) => {
      u32(retUsed, 0);
      return ERRNO.EXIST;
    }),
    fd_renumber: (fd: number) => (isStdio(fd) ? ERRNO.NOTSUP : ERRNO.BADF),
    fd_seek: fixed(ERRNO.SUCCESS),
    fd_sync: stdioOnly,
    fd_tell: guarded((fd: number, ret: number) => {
      if (!isStdio(fd)) return ERRNO.BADF;
      u64(ret, 0n);
      return ERRNO.SUCCESS;
    }),
    fd_write: guarded(write),
    path_create_directory: fixed(ERRNO.NOTSUP),
    path_filestat_get: fixed(ERRNO.NOTSUP),
    path_filestat_set_times: fixed(ERRNO.NOTSUP),
    path_link: fixed(ERRNO.NOTSUP),
    path_open: fixed(ERRNO.NOENT),
    path_readlink: guarded((_fd: number, _p: number, _pl: number, _buf: number, _len: number, retUsed: number) => {
      u32(retUsed, 0);
      return ERRNO.NOTSUP;
    }),
    path_remove_directory: fixed(ERRNO.NOTSUP),
    path_rename: fixed(ERRNO.NOTSUP),
    path_symlink: fixed(ERRNO.NOTSUP),
    path_unlink_file: fixed(ERRNO.NOTSUP),
    poll_oneoff: guarded((_in: number, _out: number, _n: number, retEvents: number) => {
      u32(retEvents, 0); // nothing ever becomes ready, and nothing waits
      return ERRNO.SUCCESS;
    }),
    // The host only notes the call (at trace level) and returns: the module goes on running.
    proc_exit: () => undefined,
    random_get: guarded((ptr: number, len: number) => {
      check(ptr, len);
      randomFillSync(bytes(), ptr, len);
      return ERRNO.SUCCESS;
    }),
    sched_yield: fixed(ERRNO.SUCCESS),
    sock_accept: guarded((_fd: number, _flags: number, ret: number) => { u64(ret, 0n); return ERRNO.NOTSUP; }),
    sock_recv: guarded((_fd: number, _iovs: number, _n: number, _flags: number, retLen: number, retFlags: number) => {
      u32(retLen, 0);
      check(retFlags, 2);
      view().setUint16(retFlags, 0, true);
      return ERRNO.NOTSUP;
    }),
    sock_send: guarded((_fd: number, _iovs: number, _n: number, _flags: number, retLen: number) => { u32(retLen, 0); return ERRNO.NOTSUP; }),
    sock_shutdown: fixed(ERRNO.NOTSUP),
  };
}
