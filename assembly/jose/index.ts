// Waymark's JOSE layer: JWK/JWKS loading with key policy, JWS compact verification, JWT claim checks,
// and claim values as header text (Envoy jwt_authn claim_to_headers).
export * from "./errors";
export * from "./alg";
export * from "./jwk";
export * from "./jwks";
export * from "./jws";
export * from "./jwt";
export * from "./claims";
