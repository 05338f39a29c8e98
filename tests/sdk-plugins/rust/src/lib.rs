// The conformance plugin with the Rust SDK (crate proxy-wasm 0.2.2, ABI 0.2.1), built by Debian's rustc 1.63.
// The request header `x-scenario` picks what it does; tests/sdk-plugins/scenarios.ts is the contract shared by
// every SDK's plugin.
use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MetricType, Status};
use std::time::Duration;

const SDK: &str = "rust";

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Trace);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root::default()) });
}}

#[derive(Default, Clone, Copy)]
struct Metrics {
    requests: u32,
    ticks: u32,
    gauge: u32,
    sizes: u32,
}

#[derive(Default)]
struct Root {
    config: String,
    metrics: Metrics,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        self.config = self
            .get_plugin_configuration()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if self.config == "fail" {
            log::error!("rust plugin refused its configuration: fail");
            return false;
        }
        let define = |t, name: &str| hostcalls::define_metric(t, name).unwrap_or(0);
        self.metrics = Metrics {
            requests: define(MetricType::Counter, "sdk_rust_requests"),
            ticks: define(MetricType::Counter, "sdk_rust_ticks"),
            gauge: define(MetricType::Gauge, "sdk_rust_gauge"),
            sizes: define(MetricType::Histogram, "sdk_rust_sizes"),
        };
        self.set_tick_period(Duration::from_millis(100));
        log::info!("rust plugin configured");
        true
    }

    fn on_tick(&mut self) {
        let _ = hostcalls::increment_metric(self.metrics.ticks, 1);
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Stream { config: self.config.clone(), metrics: self.metrics, scenario: String::new() }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Stream {
    config: String,
    metrics: Metrics,
    scenario: String,
}

fn status_text(r: Result<(), Status>) -> String {
    match r {
        Ok(()) => "ok".to_string(),
        Err(s) => format!("{:?}", s),
    }
}

impl Stream {
    fn header(&self, name: &str) -> String {
        self.get_http_request_header(name).unwrap_or_else(|| "<absent>".to_string())
    }

    fn property(&self, path: Vec<&str>) -> String {
        self.get_property(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|| "<absent>".to_string())
    }

    fn set(&self, name: &str, value: &str) {
        self.set_http_request_header(name, Some(value));
    }
}

impl Context for Stream {
    fn on_http_call_response(&mut self, _token: u32, _headers: usize, body_size: usize, _trailers: usize) {
        let status = self.get_http_call_response_header(":status").unwrap_or_else(|| "<absent>".to_string());
        let body = self.get_http_call_response_body(0, body_size).unwrap_or_default();
        let saw = String::from_utf8_lossy(&body).contains("/callout?from=rust");
        self.set("x-callout-status", &status);
        self.set("x-callout-saw-path", if saw { "yes" } else { "no" });
        self.resume_http_request();
    }
}

impl HttpContext for Stream {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        let _ = hostcalls::increment_metric(self.metrics.requests, 1);
        self.scenario = self.header("x-scenario");
        self.set("x-sdk", SDK);
        match self.scenario.as_str() {
            "headers" => {
                let first = self.header("x-rep");
                self.set("x-first", &first);
                self.set("x-replace", "replaced");
                self.set_http_request_header("x-remove", None);
                self.add_http_request_header("x-added", "one");
                self.add_http_request_header("x-added", "two");
                let count = self.get_http_request_headers().len();
                self.set("x-count", &count.to_string());
                let config = self.config.clone();
                self.set("x-config", &config);
            }
            "local" => {
                let body = format!("teapot from {}", SDK);
                self.send_http_response(418, vec![("x-local", SDK)], Some(body.as_bytes()));
                return Action::Pause;
            }
            "props" => {
                let path = self.property(vec!["request", "path"]);
                let url_path = self.property(vec!["request", "url_path"]);
                let method = self.property(vec!["request", "method"]);
                let root_id = self.property(vec!["plugin_root_id"]);
                let missing = self.property(vec!["no", "such", "property"]);
                self.set("x-prop-path", &path);
                self.set("x-prop-url-path", &url_path);
                self.set("x-prop-method", &method);
                self.set("x-prop-root-id", &root_id);
                self.set("x-prop-missing", &missing);
            }
            "metrics" => {
                let _ = hostcalls::record_metric(self.metrics.gauge, 42);
                let _ = hostcalls::increment_metric(self.metrics.gauge, -2);
                let _ = hostcalls::record_metric(self.metrics.sizes, 7);
                let requests = hostcalls::get_metric(self.metrics.requests).unwrap_or(0);
                let gauge = hostcalls::get_metric(self.metrics.gauge).unwrap_or(0);
                let negative = status_text(hostcalls::increment_metric(self.metrics.requests, -1));
                self.set("x-metrics", &format!("{},{},{}", requests, gauge, negative));
            }
            "shared" => {
                let key = self.header("x-key");
                let (first, _) = self.get_shared_data(&key);
                let set = self.set_shared_data(&key, Some(b"a"), None);
                let (value, cas) = self.get_shared_data(&key);
                let update = self.set_shared_data(&key, Some(b"b"), cas);
                let stale = self.set_shared_data(&key, Some(b"c"), cas);
                let value = value.map(|v| String::from_utf8_lossy(&v).into_owned()).unwrap_or_default();
                self.set(
                    "x-shared",
                    &format!(
                        "{},{},{},{},{}",
                        if first.is_none() { "absent" } else { "present" },
                        status_text(set),
                        value,
                        status_text(update),
                        status_text(stale)
                    ),
                );
            }
            "callout" => {
                let headers = vec![(":method", "GET"), (":path", "/callout?from=rust"), (":authority", "echo")];
                let unknown = self.dispatch_http_call("no-such-cluster", headers.clone(), None, vec![], Duration::from_secs(5));
                self.set("x-callout-unknown-cluster", &format!("{:?}", unknown.err()));
                match self.dispatch_http_call("echo", headers, None, vec![], Duration::from_secs(5)) {
                    Ok(_) => return Action::Pause,
                    Err(e) => self.set("x-callout-failed", &format!("{:?}", e)),
                }
            }
            _ => {}
        }
        Action::Continue
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.scenario != "body" {
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        let body = self.get_http_request_body(0, body_size).unwrap_or_default();
        let upper = String::from_utf8_lossy(&body).to_uppercase();
        self.set_http_request_body(0, body_size, format!("<<{}>>", upper).as_bytes());
        let _ = hostcalls::record_metric(self.metrics.sizes, body.len() as u64);
        Action::Continue
    }

    fn on_http_response_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        self.set_http_response_header("x-response-sdk", Some(SDK));
        let status = self.get_http_response_header(":status").unwrap_or_else(|| "<absent>".to_string());
        self.set_http_response_header("x-response-status", Some(&status));
        Action::Continue
    }
}
