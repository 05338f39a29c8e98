// The assemblyscript conformance plugin (tests/sdk-plugins/assemblyscript/) in real Envoy and in the harness: equal outcomes.
import { conformanceSuite } from "./compare.ts";

conformanceSuite("assemblyscript", "assemblyscript");
