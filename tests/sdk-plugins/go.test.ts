// The go conformance plugin (tests/sdk-plugins/go/) in real Envoy and in the harness: equal outcomes.
import { conformanceSuite } from "./compare.ts";

conformanceSuite("go", "go");
