// The conformance plugin in C, written against the raw proxy-wasm ABI (no SDK): the import declarations are ours.
// Built with Debian's clang and wasi-libc as a WASI reactor, once per ABI version (-DABI=10, 20 or 21), so the
// host's differences between the versions run in real Envoy and in the harness. The request header
// `x-scenario` picks what the plugin does; tests/sdk-plugins/scenarios.ts describes the contract shared by
// every SDK's plugin.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ABI
#define ABI 21
#endif

typedef int32_t i32;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t i64;

#define HOST(name) __attribute__((import_module("env"), import_name(#name)))
#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

// ---- host functions (env.proxy_*) ----
HOST(proxy_log) i32 proxy_log(u32 level, const char *msg, size_t len);
HOST(proxy_get_buffer_bytes) i32 proxy_get_buffer_bytes(u32 type, u32 start, u32 max, char **ptr, size_t *size);
HOST(proxy_set_buffer_bytes) i32 proxy_set_buffer_bytes(u32 type, u32 start, u32 size, const char *ptr, size_t len);
HOST(proxy_get_header_map_value) i32 proxy_get_header_map_value(u32 map, const char *k, size_t kl, char **v, size_t *vl);
HOST(proxy_add_header_map_value) i32 proxy_add_header_map_value(u32 map, const char *k, size_t kl, const char *v, size_t vl);
HOST(proxy_replace_header_map_value) i32 proxy_replace_header_map_value(u32 map, const char *k, size_t kl, const char *v, size_t vl);
HOST(proxy_remove_header_map_value) i32 proxy_remove_header_map_value(u32 map, const char *k, size_t kl);
HOST(proxy_get_header_map_size) i32 proxy_get_header_map_size(u32 map, size_t *size);
HOST(proxy_send_local_response) i32 proxy_send_local_response(u32 code, const char *d, size_t dl, const char *b, size_t bl,
                                                              const char *h, size_t hl, i32 grpc);
HOST(proxy_http_call) i32 proxy_http_call(const char *up, size_t ul, const char *h, size_t hl, const char *b, size_t bl,
                                          const char *t, size_t tl, u32 timeout, u32 *token);
HOST(proxy_grpc_call) i32 proxy_grpc_call(const char *svc, size_t sl, const char *name, size_t nl, const char *method,
                                          size_t ml, const char *md, size_t mdl, const char *msg, size_t msgl,
                                          u32 timeout, u32 *token);
HOST(proxy_get_property) i32 proxy_get_property(const char *p, size_t pl, char **v, size_t *vl);
HOST(proxy_set_property) i32 proxy_set_property(const char *p, size_t pl, const char *v, size_t vl);
HOST(proxy_define_metric) i32 proxy_define_metric(u32 type, const char *n, size_t nl, u32 *id);
HOST(proxy_increment_metric) i32 proxy_increment_metric(u32 id, i64 offset);
HOST(proxy_record_metric) i32 proxy_record_metric(u32 id, u64 value);
HOST(proxy_get_metric) i32 proxy_get_metric(u32 id, u64 *value);
HOST(proxy_get_shared_data) i32 proxy_get_shared_data(const char *k, size_t kl, char **v, size_t *vl, u32 *cas);
HOST(proxy_set_shared_data) i32 proxy_set_shared_data(const char *k, size_t kl, const char *v, size_t vl, u32 cas);
HOST(proxy_register_shared_queue) i32 proxy_register_shared_queue(const char *n, size_t nl, u32 *token);
HOST(proxy_resolve_shared_queue) i32 proxy_resolve_shared_queue(const char *vm, size_t vml, const char *n, size_t nl, u32 *token);
HOST(proxy_enqueue_shared_queue) i32 proxy_enqueue_shared_queue(u32 token, const char *v, size_t vl);
HOST(proxy_dequeue_shared_queue) i32 proxy_dequeue_shared_queue(u32 token, char **v, size_t *vl);
HOST(proxy_set_tick_period_milliseconds) i32 proxy_set_tick_period_milliseconds(u32 ms);
HOST(proxy_set_effective_context) i32 proxy_set_effective_context(u32 id);
HOST(proxy_get_current_time_nanoseconds) i32 proxy_get_current_time_nanoseconds(u64 *ns);
HOST(proxy_call_foreign_function) i32 proxy_call_foreign_function(const char *n, size_t nl, const char *a, size_t al,
                                                                  char **r, size_t *rl);
HOST(proxy_get_status) i32 proxy_get_status(u32 *code, char **msg, size_t *len);
#if ABI == 10
HOST(proxy_continue_request) i32 proxy_continue_request(void);
HOST(proxy_get_configuration) i32 proxy_get_configuration(char **ptr, size_t *size);
#else
HOST(proxy_continue_stream) i32 proxy_continue_stream(u32 type);
#endif
#if ABI == 21
HOST(proxy_get_log_level) i32 proxy_get_log_level(u32 *level);
#endif
#ifdef IMPORT_UNKNOWN
// A variant that imports what Envoy does not provide: it must be refused at load, with Envoy's message.
HOST(proxy_does_not_exist) i32 proxy_does_not_exist(u32);
#endif

// ---- WASI preview1, declared here to ask the host for each one directly ----
WASI(args_sizes_get) i32 w_args_sizes_get(u32 *argc, u32 *size);
WASI(environ_sizes_get) i32 w_environ_sizes_get(u32 *count, u32 *size);
WASI(clock_res_get) i32 w_clock_res_get(u32 id, u64 *res);
WASI(clock_time_get) i32 w_clock_time_get(u32 id, u64 precision, u64 *time);
WASI(fd_fdstat_get) i32 w_fd_fdstat_get(u32 fd, uint8_t *stat);
WASI(fd_fdstat_set_flags) i32 w_fd_fdstat_set_flags(u32 fd, u32 flags);
WASI(fd_filestat_get) i32 w_fd_filestat_get(u32 fd, uint8_t *stat);
WASI(fd_prestat_get) i32 w_fd_prestat_get(u32 fd, uint8_t *prestat);
WASI(fd_prestat_dir_name) i32 w_fd_prestat_dir_name(u32 fd, char *path, u32 len);
WASI(fd_read) i32 w_fd_read(u32 fd, void *iovs, u32 n, u32 *nread);
WASI(fd_seek) i32 w_fd_seek(u32 fd, i64 offset, u32 whence, u64 *pos);
WASI(fd_tell) i32 w_fd_tell(u32 fd, u64 *pos);
WASI(fd_close) i32 w_fd_close(u32 fd);
WASI(fd_sync) i32 w_fd_sync(u32 fd);
WASI(fd_write) i32 w_fd_write(u32 fd, void *iovs, u32 n, u32 *written);
WASI(fd_readdir) i32 w_fd_readdir(u32 fd, void *buf, u32 len, u64 cookie, u32 *used);
WASI(path_open) i32 w_path_open(u32 fd, u32 dirflags, const char *path, u32 len, u32 oflags, u64 rights, u64 inheriting,
                                u32 fdflags, u32 *opened);
WASI(path_filestat_get) i32 w_path_filestat_get(u32 fd, u32 flags, const char *path, u32 len, uint8_t *stat);
WASI(path_unlink_file) i32 w_path_unlink_file(u32 fd, const char *path, u32 len);
WASI(poll_oneoff) i32 w_poll_oneoff(const void *in, void *out, u32 n, u32 *nevents);
WASI(sched_yield) i32 w_sched_yield(void);
WASI(random_get) i32 w_random_get(void *buf, u32 len);
WASI(sock_accept) i32 w_sock_accept(u32 fd, u32 flags, u32 *opened);
WASI(sock_shutdown) i32 w_sock_shutdown(u32 fd, u32 how);
WASI(proc_exit) void w_proc_exit(u32 code);

#ifdef CALL_AT_START
// A variant whose start-up (a constructor, run by _initialize) makes a call Envoy forbids then.
__attribute__((constructor)) static void at_start(void) { w_sched_yield(); }
#endif

enum { REQUEST_HEADERS = 0, RESPONSE_HEADERS = 2, CALL_RESPONSE_HEADERS = 6 };
enum { REQUEST_BODY = 0, CALL_RESPONSE_BODY = 4, GRPC_MESSAGE = 5, VM_CONFIG = 6, PLUGIN_CONFIG = 7 };
enum { COUNTER = 0, GAUGE = 1, HISTOGRAM = 2 };

#define SDK "c"
#define MAX_STREAMS 64

#define S(lit) lit, sizeof(lit) - 1

static void logs(u32 level, const char *msg) { proxy_log(level, msg, strlen(msg)); }

/** A header value as a fresh NUL-terminated string, or NULL when absent. */
static char *header(u32 map, const char *name) {
  char *v = NULL;
  size_t n = 0;
  if (proxy_get_header_map_value(map, name, strlen(name), &v, &n) != 0) return NULL;
  char *out = malloc(n + 1);
  memcpy(out, v, n);
  out[n] = 0;
  free(v);
  return out;
}

static void set_header(u32 map, const char *name, const char *value) {
  proxy_replace_header_map_value(map, name, strlen(name), value, strlen(value));
}

static void set_header_int(u32 map, const char *name, long long value) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", value);
  set_header(map, name, buf);
}

/** A property as a string ("<absent>" when the host has none). */
static char *property(const char *path, size_t len) {
  char *v = NULL;
  size_t n = 0;
  if (proxy_get_property(path, len, &v, &n) != 0) return strdup("<absent>");
  char *out = malloc(n + 1);
  memcpy(out, v, n);
  out[n] = 0;
  free(v);
  return out;
}

/** Encodes one header pair in the ABI's map encoding. */
static size_t pairs1(char *buf, const char *k, const char *v) {
  u32 kl = strlen(k), vl = strlen(v), n = 1;
  memcpy(buf, &n, 4);
  memcpy(buf + 4, &kl, 4);
  memcpy(buf + 8, &vl, 4);
  memcpy(buf + 12, k, kl + 1);
  memcpy(buf + 13 + kl, v, vl + 1);
  return 14 + kl + vl;
}

// ---- plugin state ----
static u32 root_id_ctx;
static u32 requests_metric, ticks_metric, gauge_metric, histogram_metric, queue_metric;
static u32 queue_token;
static char *plugin_config;
/** Stream context waiting for a call-out or gRPC answer, by token. */
static u32 waiting_token[MAX_STREAMS], waiting_stream[MAX_STREAMS];
static u32 scenario_of[MAX_STREAMS];

enum { SC_NONE, SC_HEADERS, SC_BODY, SC_LOCAL, SC_PROPS, SC_METRICS, SC_SHARED, SC_CALLOUT, SC_GRPC, SC_QUEUE, SC_WASI,
       SC_ABI, SC_EXIT };

static u32 *slot(u32 ctx) { return &scenario_of[ctx % MAX_STREAMS]; }

static u32 metric(u32 type, const char *name) {
  u32 id = 0;
  proxy_define_metric(type, name, strlen(name), &id);
  return id;
}

static void resume_request(void) {
#if ABI == 10
  proxy_continue_request();
#else
  proxy_continue_stream(0);
#endif
}

#if ABI == 10
EXPORT(proxy_abi_version_0_1_0) void abi_marker(void) {}
#elif ABI == 20
EXPORT(proxy_abi_version_0_2_0) void abi_marker(void) {}
#elif ABI == 21
EXPORT(proxy_abi_version_0_2_1) void abi_marker(void) {}
#endif

EXPORT(proxy_on_context_create) void on_context_create(u32 ctx, u32 parent) {
  if (parent == 0) root_id_ctx = ctx;
  else *slot(ctx) = SC_NONE;
}

EXPORT(proxy_on_vm_start) u32 on_vm_start(u32 ctx, u32 size) {
#ifdef IMPORT_UNKNOWN
  if (size == 0xffffffff) proxy_does_not_exist(size); // referenced, so the import stays in the module
#endif
  return 1;
}

EXPORT(proxy_on_configure) u32 on_configure(u32 ctx, u32 size) {
  char *cfg = NULL;
  size_t n = 0;
#if ABI == 10
  // ABI 0.1.0 reads its configuration through proxy_get_configuration.
  proxy_get_configuration(&cfg, &n);
#else
  proxy_get_buffer_bytes(PLUGIN_CONFIG, 0, size, &cfg, &n);
#endif
  plugin_config = malloc(n + 1);
  memcpy(plugin_config, cfg ? cfg : "", n);
  plugin_config[n] = 0;
  if (strcmp(plugin_config, "fail") == 0) {
    logs(4, "c plugin refused its configuration: fail");
    return 0;
  }
  requests_metric = metric(COUNTER, "sdk_c_requests");
  ticks_metric = metric(COUNTER, "sdk_c_ticks");
  gauge_metric = metric(GAUGE, "sdk_c_gauge");
  histogram_metric = metric(HISTOGRAM, "sdk_c_sizes");
  queue_metric = metric(COUNTER, "sdk_c_queue_ready");
  proxy_register_shared_queue(S("sdk-c-queue"), &queue_token);
  proxy_set_tick_period_milliseconds(100);
  logs(2, "c plugin configured");
  return 1;
}

EXPORT(proxy_on_tick) void on_tick(u32 ctx) { proxy_increment_metric(ticks_metric, 1); }

EXPORT(proxy_on_queue_ready) void on_queue_ready(u32 ctx, u32 token) {
  char *v = NULL;
  size_t n = 0;
  while (proxy_dequeue_shared_queue(token, &v, &n) == 0) {
    proxy_increment_metric(queue_metric, 1);
    free(v);
  }
}

static u32 scenario_code(const char *s) {
  if (!s) return SC_NONE;
  static const char *names[] = {"", "headers", "body", "local", "props", "metrics", "shared", "callout", "grpc",
                                "queue", "wasi", "abi", "exit"};
  for (u32 i = 1; i < sizeof names / sizeof *names; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return SC_NONE;
}

static void wait_for(u32 token, u32 ctx) {
  for (u32 i = 0; i < MAX_STREAMS; i++)
    if (waiting_stream[i] == 0) {
      waiting_token[i] = token;
      waiting_stream[i] = ctx;
      return;
    }
}

static u32 take_waiting(u32 token) {
  for (u32 i = 0; i < MAX_STREAMS; i++)
    if (waiting_stream[i] != 0 && waiting_token[i] == token) {
      u32 ctx = waiting_stream[i];
      waiting_stream[i] = 0;
      return ctx;
    }
  return 0;
}

/** Reports each WASI function's errno (and what it wrote) as the host returns it. */
static void wasi_report(void) {
  char buf[1200];
  u32 a = 7, b = 7;
  u64 t = 0;
  uint8_t stat[64];
  int len = 0;
#define ADD(fmt, ...) len += snprintf(buf + len, sizeof buf - len, fmt, __VA_ARGS__)
  ADD("args=%d/%u/%u", w_args_sizes_get(&a, &b), a, b);
  a = b = 7;
  ADD(" environ=%d/%u/%u", w_environ_sizes_get(&a, &b), a, b);
  ADD(" clock_time_get(1)=%d", w_clock_time_get(1, 1, &t));
  t = 0;
  ADD(" clock_res_get(0)=%d/%llu", w_clock_res_get(0, &t), (unsigned long long)t);
  memset(stat, 0xee, sizeof stat);
  ADD(" fdstat(1)=%d/%u/%llu", w_fd_fdstat_get(1, stat), stat[0], (unsigned long long)*(u64 *)(stat + 8));
  ADD(" fdstat(0)=%d", w_fd_fdstat_get(0, stat));
  ADD(" fdstat(5)=%d", w_fd_fdstat_get(5, stat));
  ADD(" set_flags(1)=%d", w_fd_fdstat_set_flags(1, 0));
  ADD(" filestat(1)=%d", w_fd_filestat_get(1, stat));
  ADD(" prestat(3)=%d", w_fd_prestat_get(3, stat));
  ADD(" prestat_dir_name(3)=%d", w_fd_prestat_dir_name(3, (char *)stat, 8));
  struct { void *p; u32 n; } iov = {stat, 8};
  a = 7;
  ADD(" read(0)=%d", w_fd_read(0, &iov, 1, &a));
  ADD(" tell(1)=%d", w_fd_tell(1, &t));
  ADD(" sync(1)=%d", w_fd_sync(1));
  ADD(" readdir(3)=%d", w_fd_readdir(3, stat, 8, 0, &a));
  ADD(" path_open=%d", w_path_open(3, 0, "x", 1, 0, 0, 0, 0, &a));
  ADD(" path_filestat_get=%d", w_path_filestat_get(3, 0, "x", 1, stat));
  ADD(" unlink=%d", w_path_unlink_file(3, "x", 1));
  // One relative clock subscription of 0 ns.
  uint8_t sub[48] = {0}, ev[32] = {0};
  a = 9;
  ADD(" poll_oneoff=%d/%u", w_poll_oneoff(sub, ev, 1, &a), a);
  ADD(" sched_yield=%d", w_sched_yield());
  ADD(" random_get=%d", w_random_get(stat, 16));
  u64 accepted = 0; // Envoy writes 8 bytes here (WASI says 4): give it room
  ADD(" sock_accept=%d", w_sock_accept(3, 0, (u32 *)&accepted));
  ADD(" sock_shutdown=%d", w_sock_shutdown(3, 0));
  const char *hello = "hello from fd_write\n";
  struct { const char *p; u32 n; } out = {hello, strlen(hello)};
  a = 0;
  ADD(" write(1)=%d/%u", w_fd_write(1, &out, 1, &a), a);
  a = 0;
  ADD(" write(7)=%d/%u", w_fd_write(7, &out, 1, &a), a);
#undef ADD
  set_header(REQUEST_HEADERS, "x-wasi", buf);
  // fd_seek and fd_close last: older hosts log an error for them.
  char more[80];
  snprintf(more, sizeof more, "seek(1)=%d close(1)=%d", w_fd_seek(1, 0, 0, &t), w_fd_close(1));
  set_header(REQUEST_HEADERS, "x-wasi-seek-close", more);
}

static u32 abi_report(void) {
  char buf[200];
  int len = snprintf(buf, sizeof buf, "abi=%d", ABI);
#if ABI == 10
  char *cfg = NULL;
  size_t n = 0;
  len += snprintf(buf + len, sizeof buf - len, " get_configuration=%d/%zu", proxy_get_configuration(&cfg, &n), n);
#endif
#if ABI == 21
  u32 level = 99;
  len += snprintf(buf + len, sizeof buf - len, " log_level=%d", proxy_get_log_level(&level));
#endif
  u32 code = 99;
  char *msg = NULL;
  size_t n2 = 0;
  len += snprintf(buf + len, sizeof buf - len, " get_status=%d", proxy_get_status(&code, &msg, &n2));
  len += snprintf(buf + len, sizeof buf - len, " set_property=%d",
                  proxy_set_property(S("filter_state\0sdk_c"), S("value")));
  len += snprintf(buf + len, sizeof buf - len, " foreign=%d",
                  proxy_call_foreign_function(S("no_such_function"), S(""), &msg, &n2));
  len += snprintf(buf + len, sizeof buf - len, " effective_bad=%d", proxy_set_effective_context(99999));
  len += snprintf(buf + len, sizeof buf - len, " vm_config=%d", proxy_get_buffer_bytes(VM_CONFIG, 0, 100, &msg, &n2));
  len += snprintf(buf + len, sizeof buf - len, " plugin_config=%d", proxy_get_buffer_bytes(PLUGIN_CONFIG, 0, 100, &msg, &n2));
  len += snprintf(buf + len, sizeof buf - len, " call_headers=%d", proxy_get_header_map_value(CALL_RESPONSE_HEADERS, S(":status"), &msg, &n2));
  len += snprintf(buf + len, sizeof buf - len, " call_headers_size=%d", proxy_get_header_map_size(CALL_RESPONSE_HEADERS, &n2));
  len += snprintf(buf + len, sizeof buf - len, " bad_map=%d", proxy_get_header_map_value(99, S("x"), &msg, &n2));
  len += snprintf(buf + len, sizeof buf - len, " bad_pointer=%d", proxy_get_property(S("request\0path"), (char **)0x7ffffff0, &n2));
  len += snprintf(buf + len, sizeof buf - len, " absent_header=%d", proxy_get_header_map_value(REQUEST_HEADERS, S("x-absent"), &msg, &n2));
  len += snprintf(buf + len, sizeof buf - len, " resolve_missing=%d",
                  proxy_resolve_shared_queue(S(""), S("no-such-queue"), &code));
  set_header(REQUEST_HEADERS, "x-abi", buf);
  return 0;
}

#if ABI == 10
EXPORT(proxy_on_request_headers) u32 on_request_headers(u32 ctx, u32 headers) {
  const u32 end_of_stream = 0;
#else
EXPORT(proxy_on_request_headers) u32 on_request_headers(u32 ctx, u32 headers, u32 end_of_stream) {
#endif
  (void)end_of_stream;
  proxy_increment_metric(requests_metric, 1);
  char *name = header(REQUEST_HEADERS, "x-scenario");
  u32 sc = scenario_code(name);
  free(name);
  *slot(ctx) = sc;
  set_header(REQUEST_HEADERS, "x-sdk", SDK);
  switch (sc) {
  case SC_HEADERS: {
    char *first = header(REQUEST_HEADERS, "x-rep");
    set_header(REQUEST_HEADERS, "x-first", first ? first : "<absent>");
    free(first);
    set_header(REQUEST_HEADERS, "x-replace", "replaced");
    proxy_remove_header_map_value(REQUEST_HEADERS, S("x-remove"));
    proxy_add_header_map_value(REQUEST_HEADERS, S("x-added"), S("one"));
    proxy_add_header_map_value(REQUEST_HEADERS, S("x-added"), S("two"));
    size_t count = 0;
    proxy_get_header_map_size(REQUEST_HEADERS, &count);
    set_header_int(REQUEST_HEADERS, "x-count", count);
    set_header(REQUEST_HEADERS, "x-config", plugin_config);
    return 0;
  }
  case SC_LOCAL: {
    char h[64];
    size_t hl = pairs1(h, "x-local", SDK);
    proxy_send_local_response(418, S("sdk_teapot"), S("teapot from " SDK), h, hl, -1);
    return 1;
  }
  case SC_PROPS: {
    static const struct { const char *header; const char *path; size_t len; } props[] = {
        {"x-prop-path", S("request\0path")},         {"x-prop-url-path", S("request\0url_path")},
        {"x-prop-method", S("request\0method")},     {"x-prop-root-id", S("plugin_root_id")},
        {"x-prop-missing", S("no\0such\0property")},
    };
    for (u32 i = 0; i < sizeof props / sizeof *props; i++) {
      char *v = property(props[i].path, props[i].len);
      set_header(REQUEST_HEADERS, props[i].header, v);
      free(v);
    }
    return 0;
  }
  case SC_METRICS: {
    proxy_record_metric(gauge_metric, 42);
    proxy_increment_metric(gauge_metric, -2);
    proxy_record_metric(histogram_metric, 7);
    u64 requests = 0, gauge = 0;
    proxy_get_metric(requests_metric, &requests);
    proxy_get_metric(gauge_metric, &gauge);
    char buf[64];
    snprintf(buf, sizeof buf, "%llu,%llu,%d", (unsigned long long)requests, (unsigned long long)gauge,
             proxy_increment_metric(requests_metric, -1));
    set_header(REQUEST_HEADERS, "x-metrics", buf);
    return 0;
  }
  case SC_SHARED: {
    char *key = header(REQUEST_HEADERS, "x-key");
    char *v = NULL;
    size_t n = 0;
    u32 cas = 0, cas2 = 0;
    i32 first = proxy_get_shared_data(key, strlen(key), &v, &n, &cas);
    i32 set = proxy_set_shared_data(key, strlen(key), S("a"), 0);
    i32 again = proxy_get_shared_data(key, strlen(key), &v, &n, &cas);
    i32 update = proxy_set_shared_data(key, strlen(key), S("b"), cas);
    i32 stale = proxy_set_shared_data(key, strlen(key), S("c"), cas);
    proxy_get_shared_data(key, strlen(key), &v, &n, &cas2);
    char buf[96];
    snprintf(buf, sizeof buf, "%d,%d,%d:%.*s,%d,%d,%s", first, set, again, 1, v, update, stale,
             cas2 != cas ? "cas-moved" : "cas-same");
    set_header(REQUEST_HEADERS, "x-shared", buf);
    free(key);
    return 0;
  }
  case SC_CALLOUT: {
    char h[200];
    u32 n = 3, off = 4 + 8 * 3;
    const char *kv[6] = {":method", "GET", ":path", "/callout?from=c", ":authority", "echo"};
    memcpy(h, &n, 4);
    for (u32 i = 0; i < 3; i++) {
      u32 kl = strlen(kv[2 * i]), vl = strlen(kv[2 * i + 1]);
      memcpy(h + 4 + 8 * i, &kl, 4);
      memcpy(h + 8 + 8 * i, &vl, 4);
      memcpy(h + off, kv[2 * i], kl + 1);
      off += kl + 1;
      memcpy(h + off, kv[2 * i + 1], vl + 1);
      off += vl + 1;
    }
    u32 token = 0;
    i32 rc = proxy_http_call(S("echo"), h, off, NULL, 0, NULL, 0, 5000, &token);
    u32 unused = 0;
    i32 bad = proxy_http_call(S("no-such-cluster"), h, off, NULL, 0, NULL, 0, 5000, &unused);
    set_header_int(REQUEST_HEADERS, "x-callout-unknown-cluster", bad);
    if (rc != 0) {
      set_header_int(REQUEST_HEADERS, "x-callout-failed", rc);
      return 0;
    }
    wait_for(token, ctx);
    return 1;
  }
  case SC_GRPC: {
    u32 token = 0;
    char md[64];
    size_t mdl = pairs1(md, "x-grpc-from", SDK);
    i32 rc = proxy_grpc_call(S("grpc"), S("waymark.Echo"), S("Say"), md, mdl, S("hello grpc"), 5000, &token);
    if (rc != 0) {
      set_header_int(REQUEST_HEADERS, "x-grpc-failed", rc);
      return 0;
    }
    wait_for(token, ctx);
    return 1;
  }
  case SC_QUEUE: {
    u32 token = 0;
    i32 resolved = proxy_resolve_shared_queue(S(""), S("sdk-c-queue"), &token);
    i32 enq = proxy_enqueue_shared_queue(token, S("item"));
    char buf[48];
    snprintf(buf, sizeof buf, "%d,%d,%s", resolved, enq, token == queue_token ? "same-token" : "other-token");
    set_header(REQUEST_HEADERS, "x-queue", buf);
    return 0;
  }
  case SC_WASI:
    wasi_report();
    return 0;
  case SC_ABI:
    return abi_report();
  case SC_EXIT:
    w_proc_exit(3);
    set_header(REQUEST_HEADERS, "x-after-exit", "yes");
    return 0;
  case SC_BODY:
  default:
    return 0;
  }
}

EXPORT(proxy_on_request_body) u32 on_request_body(u32 ctx, u32 size, u32 end_of_stream) {
  if (*slot(ctx) != SC_BODY) return 0;
  if (!end_of_stream) return 1; // StopIterationAndBuffer: the host keeps every chunk until the last
  char *body = NULL;
  size_t n = 0;
  proxy_get_buffer_bytes(REQUEST_BODY, 0, size, &body, &n);
  char *out = malloc(n + 4);
  memcpy(out, "<<", 2);
  for (size_t i = 0; i < n; i++) out[2 + i] = (body[i] >= 'a' && body[i] <= 'z') ? body[i] - 32 : body[i];
  memcpy(out + 2 + n, ">>", 2);
  proxy_set_buffer_bytes(REQUEST_BODY, 0, size, out, n + 4);
  proxy_record_metric(histogram_metric, n);
  free(body);
  free(out);
  return 0;
}

#if ABI == 10
EXPORT(proxy_on_response_headers) u32 on_response_headers(u32 ctx, u32 headers) {
#else
EXPORT(proxy_on_response_headers) u32 on_response_headers(u32 ctx, u32 headers, u32 end_of_stream) {
#endif
  set_header(RESPONSE_HEADERS, "x-response-sdk", SDK);
  char *status = header(RESPONSE_HEADERS, ":status");
  set_header(RESPONSE_HEADERS, "x-response-status", status ? status : "<absent>");
  free(status);
  return 0;
}

EXPORT(proxy_on_http_call_response) void on_http_call_response(u32 ctx, u32 token, u32 headers, u32 body_size,
                                                               u32 trailers) {
  u32 stream = take_waiting(token);
  if (!stream) return;
  proxy_set_effective_context(stream);
  char *status = header(CALL_RESPONSE_HEADERS, ":status");
  char *body = NULL;
  size_t n = 0;
  proxy_get_buffer_bytes(CALL_RESPONSE_BODY, 0, body_size, &body, &n);
  set_header(REQUEST_HEADERS, "x-callout-status", status ? status : "<absent>");
  set_header(REQUEST_HEADERS, "x-callout-saw-path", body && n && strstr(body, "/callout?from=c") ? "yes" : "no");
  free(status);
  free(body);
  resume_request();
}

EXPORT(proxy_on_grpc_receive_initial_metadata) void on_grpc_initial(u32 ctx, u32 token, u32 headers) {}

// A unary call that succeeds ends with its message (Envoy sends no close for it): the stream resumes here.
EXPORT(proxy_on_grpc_receive) void on_grpc_receive(u32 ctx, u32 token, u32 size) {
  u32 stream = take_waiting(token);
  if (!stream) return;
  proxy_set_effective_context(stream);
  char *msg = NULL;
  size_t n = 0;
  proxy_get_buffer_bytes(GRPC_MESSAGE, 0, size, &msg, &n);
  char buf[128];
  snprintf(buf, sizeof buf, "%.*s", (int)(n > 100 ? 100 : n), msg ? msg : "");
  set_header(REQUEST_HEADERS, "x-grpc-message", buf);
  free(msg);
  resume_request();
}

EXPORT(proxy_on_grpc_receive_trailing_metadata) void on_grpc_trailing(u32 ctx, u32 token, u32 trailers) {}

EXPORT(proxy_on_grpc_close) void on_grpc_close(u32 ctx, u32 token, u32 status) {
  u32 stream = take_waiting(token);
  if (!stream) return;
  proxy_set_effective_context(stream);
  set_header_int(REQUEST_HEADERS, "x-grpc-status", status);
  u32 code = 0;
  char *msg = NULL;
  size_t n = 0;
  proxy_get_status(&code, &msg, &n);
  set_header_int(REQUEST_HEADERS, "x-grpc-get-status", code);
  resume_request();
}

EXPORT(proxy_on_done) u32 on_done(u32 ctx) { return 1; }
EXPORT(proxy_on_log) void on_log(u32 ctx) {}
EXPORT(proxy_on_delete) void on_delete(u32 ctx) {}
