// The rust conformance plugin (tests/sdk-plugins/rust/) in real Envoy and in the harness: equal outcomes.
import { conformanceSuite } from "./compare.ts";

conformanceSuite("rust", "rust");
