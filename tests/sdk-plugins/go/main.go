// The conformance plugin with the Go SDK (proxy-wasm-go-sdk, standard Go as a WASI reactor, ABI 0.2.0).
// The request header `x-scenario` picks what it does; tests/sdk-plugins/scenarios.ts is the contract shared by
// every SDK's plugin.
package main

import (
	"strconv"
	"strings"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

const sdk = "go"

func main() {}

func init() {
	proxywasm.SetVMContext(&vm{})
}

type vm struct{ types.DefaultVMContext }

func (*vm) NewPluginContext(uint32) types.PluginContext { return &plugin{} }

type plugin struct {
	types.DefaultPluginContext
	config   string
	requests proxywasm.MetricCounter
	ticks    proxywasm.MetricCounter
	gauge    proxywasm.MetricGauge
	sizes    proxywasm.MetricHistogram
}

func (p *plugin) OnPluginStart(size int) types.OnPluginStartStatus {
	cfg, err := proxywasm.GetPluginConfiguration()
	if err != nil && err != types.ErrorStatusNotFound {
		proxywasm.LogErrorf("go plugin cannot read its configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	p.config = string(cfg)
	if p.config == "fail" {
		proxywasm.LogError("go plugin refused its configuration: fail")
		return types.OnPluginStartStatusFailed
	}
	p.requests = proxywasm.DefineCounterMetric("sdk_go_requests")
	p.ticks = proxywasm.DefineCounterMetric("sdk_go_ticks")
	p.gauge = proxywasm.DefineGaugeMetric("sdk_go_gauge")
	p.sizes = proxywasm.DefineHistogramMetric("sdk_go_sizes")
	if err := proxywasm.SetTickPeriodMilliSeconds(100); err != nil {
		return types.OnPluginStartStatusFailed
	}
	proxywasm.LogInfo("go plugin configured")
	return types.OnPluginStartStatusOK
}

func (p *plugin) OnTick() { p.ticks.Increment(1) }

func (p *plugin) NewHttpContext(id uint32) types.HttpContext { return &stream{plugin: p, id: id} }

type stream struct {
	types.DefaultHttpContext
	plugin   *plugin
	id       uint32
	scenario string
}

func header(name string) string {
	v, err := proxywasm.GetHttpRequestHeader(name)
	if err != nil {
		return "<absent>"
	}
	return v
}

func property(path ...string) string {
	v, err := proxywasm.GetProperty(path)
	if err != nil {
		return "<absent>"
	}
	return string(v)
}

func (s *stream) OnHttpRequestHeaders(numHeaders int, endOfStream bool) types.Action {
	s.plugin.requests.Increment(1)
	s.scenario = header("x-scenario")
	proxywasm.ReplaceHttpRequestHeader("x-sdk", sdk)
	switch s.scenario {
	case "headers":
		proxywasm.ReplaceHttpRequestHeader("x-first", header("x-rep"))
		proxywasm.ReplaceHttpRequestHeader("x-replace", "replaced")
		proxywasm.RemoveHttpRequestHeader("x-remove")
		proxywasm.AddHttpRequestHeader("x-added", "one")
		proxywasm.AddHttpRequestHeader("x-added", "two")
		all, _ := proxywasm.GetHttpRequestHeaders()
		proxywasm.ReplaceHttpRequestHeader("x-count", strconv.Itoa(len(all)))
		proxywasm.ReplaceHttpRequestHeader("x-config", s.plugin.config)
	case "local":
		proxywasm.SendHttpResponse(418, [][2]string{{"x-local", sdk}}, []byte("teapot from "+sdk), -1)
		return types.ActionPause
	case "props":
		proxywasm.ReplaceHttpRequestHeader("x-prop-path", property("request", "path"))
		proxywasm.ReplaceHttpRequestHeader("x-prop-url-path", property("request", "url_path"))
		proxywasm.ReplaceHttpRequestHeader("x-prop-method", property("request", "method"))
		proxywasm.ReplaceHttpRequestHeader("x-prop-root-id", property("plugin_root_id"))
		proxywasm.ReplaceHttpRequestHeader("x-prop-missing", property("no", "such", "property"))
	case "metrics":
		s.plugin.gauge.Add(42)
		s.plugin.gauge.Add(-2)
		s.plugin.sizes.Record(7)
		proxywasm.ReplaceHttpRequestHeader("x-metrics",
			strconv.FormatUint(s.plugin.requests.Value(), 10)+","+strconv.FormatInt(s.plugin.gauge.Value(), 10))
	case "shared":
		key := header("x-key")
		_, _, first := proxywasm.GetSharedData(key)
		set := proxywasm.SetSharedData(key, []byte("a"), 0)
		value, cas, again := proxywasm.GetSharedData(key)
		update := proxywasm.SetSharedData(key, []byte("b"), cas)
		stale := proxywasm.SetSharedData(key, []byte("c"), cas)
		proxywasm.ReplaceHttpRequestHeader("x-shared", strings.Join([]string{
			errText(first), errText(set), errText(again) + ":" + string(value), errText(update), errText(stale)}, ","))
	case "callout":
		headers := [][2]string{{":method", "GET"}, {":path", "/callout?from=go"}, {":authority", "echo"}}
		_, err := proxywasm.DispatchHttpCall("echo", headers, nil, nil, 5000, func(numHeaders, bodySize, numTrailers int) {
			status := "<absent>"
			pairs, _ := proxywasm.GetHttpCallResponseHeaders()
			for _, kv := range pairs {
				if kv[0] == ":status" {
					status = kv[1]
				}
			}
			body, _ := proxywasm.GetHttpCallResponseBody(0, bodySize)
			saw := "no"
			if strings.Contains(string(body), "/callout?from=go") {
				saw = "yes"
			}
			proxywasm.ReplaceHttpRequestHeader("x-callout-status", status)
			proxywasm.ReplaceHttpRequestHeader("x-callout-saw-path", saw)
			proxywasm.ResumeHttpRequest()
		})
		_, unknown := proxywasm.DispatchHttpCall("no-such-cluster", headers, nil, nil, 5000, func(int, int, int) {})
		proxywasm.ReplaceHttpRequestHeader("x-callout-unknown-cluster", errText(unknown))
		if err != nil {
			proxywasm.ReplaceHttpRequestHeader("x-callout-failed", err.Error())
			return types.ActionContinue
		}
		return types.ActionPause
	}
	return types.ActionContinue
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func (s *stream) OnHttpRequestBody(bodySize int, endOfStream bool) types.Action {
	if s.scenario != "body" {
		return types.ActionContinue
	}
	if !endOfStream {
		return types.ActionPause
	}
	body, err := proxywasm.GetHttpRequestBody(0, bodySize)
	if err != nil {
		return types.ActionContinue
	}
	proxywasm.ReplaceHttpRequestBody([]byte("<<" + strings.ToUpper(string(body)) + ">>"))
	s.plugin.sizes.Record(uint64(len(body)))
	return types.ActionContinue
}

func (s *stream) OnHttpResponseHeaders(numHeaders int, endOfStream bool) types.Action {
	proxywasm.ReplaceHttpResponseHeader("x-response-sdk", sdk)
	status, err := proxywasm.GetHttpResponseHeader(":status")
	if err != nil {
		status = "<absent>"
	}
	proxywasm.ReplaceHttpResponseHeader("x-response-status", status)
	return types.ActionContinue
}
