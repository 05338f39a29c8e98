// Added by deploy/check-with-egctl.mjs to a copy of Envoy Gateway's source (package egctl), never built into
// Waymark: `egctl x translate` has no Wasm cache offline, so it cannot translate an EnvoyExtensionPolicy. This
// cache answers from a JSON file instead of pulling the image: {"<oci://image:tag>": {"url": "<serving URL>",
// "sha256": "<sha256 of the .wasm>"}} (what Envoy Gateway's own cache returns after it pulled and unpacked the
// image), so the rest of the translation, EnvoyPatchPolicy included, is Envoy Gateway's own code.
package egctl

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/envoyproxy/gateway/internal/wasm"
)

type refereeWasmCache struct{ modules map[string]struct{ URL, SHA256 string } }

func newRefereeWasmCache() wasm.Cache {
	c := &refereeWasmCache{}
	if path := os.Getenv("WAYMARK_WASM_MAP"); path != "" {
		if data, err := os.ReadFile(path); err == nil {
			_ = json.Unmarshal(data, &c.modules)
		}
	}
	return c
}

func (c *refereeWasmCache) Get(downloadURL string, _ *wasm.GetOptions) (string, string, error) {
	m, ok := c.modules[downloadURL]
	if !ok {
		return "", "", fmt.Errorf("referee wasm cache: no module for %s", downloadURL)
	}
	return m.URL, m.SHA256, nil
}

func (c *refereeWasmCache) Start(context.Context) {}
