// The local mesh, described once: services, gateways (Envoy configs with their placeholder values) and the
// scenarios to try. The process runner (mesh/run.ts) starts exactly this.
export interface ServiceSpec { name: string; port: number }
export interface GatewaySpec { name: string; template: string; port: number; adminPort: number; vars: Record<string, string | number> }
export interface Scenario { name: string; method?: string; path: string; headers?: Record<string, string>; expect: { header: string; equals: string } }

export const services: ServiceSpec[] = [
  { name: "echo", port: 18080 },
];

export const gateways: GatewaySpec[] = [
  { name: "hello", template: "examples/hello-headers/envoy.yaml", port: 10000, adminPort: 19000, vars: { ECHO_PORT: 18080 } },
];

export const scenarios: Array<Scenario & { gateway: string }> = [
  { name: "the hello-headers example adds a header", gateway: "hello", path: "/", headers: { "x-user": "ada", "x-region": "eu", "x-client": "curl" },
    expect: { header: "x-hello", equals: "ada@eu via curl" } },
];
