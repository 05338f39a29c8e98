// The local mesh, described once: the demo services, the gateways (which Envoy template, which plugins with which
// configuration, which upstreams) and the scenarios that show what the mesh is for. The process runner
// (mesh/run.ts), the demo (mesh/demo.ts) and docker-compose.yml (mesh/compose.ts) are all derived from this file.
//
// Ports: every service and gateway has a fixed 127.0.0.1 port (used by `npm start` and compose); the demo and the
// tests replace them with free ports through a PortPlan, so nothing below may hard-code an address.

// ---------------------------------------------------------------------------------------------------------------
// Types

/** A demo process: an echo server that reports who it is, or the JWKS server. */
export interface ServiceSpec {
  /** Unique instance name (also the compose service name), e.g. "order-mgmt-v2-0". */
  name: string;
  /** The deployment an echo pod belongs to ("order-mgmt-v2"): `waymark mesh scale|rollout` act on deployments. */
  deployment?: string;
  kind: "echo" | "jwks";
  /** The service this instance belongs to, e.g. "order-mgmt"; the echo answers with it as `name`. */
  service: string;
  version: string;
  pod: string;
  dc: string;
  /** "trunk" for the shared deployment, "sandbox-<who>" for a developer sandbox, "tenant-<t>" for a dedicated one. */
  namespace: string;
  port: number;
  /** For services outside the mesh (behind the egress gateway). */
  external?: boolean;
}

/** A Waymark plugin loaded into a gateway, with the configuration it gets. */
export interface PluginUse {
  plugin: "tenant" | "feature-group" | "sticky";
  /** Placeholder in the template that receives the configuration as a quoted JSON string. */
  placeholder: string;
  /** The configuration for a port plan and the live settings (default: as the mesh starts). */
  config(p: PortPlan, live?: LiveSettings): Record<string, unknown>;
  /**
   * The filter's configuration arrives through Envoy's ECDS from {{XDS_DIR}}/<plugin>/ecds.json instead of the
   * template (the template names the filter with config_discovery), so it can change while Envoy serves.
   */
  ecds?: { allowOnHeadersStopIteration: boolean; failurePolicy: "FAIL_CLOSED" | "FAIL_OPEN" | "FAIL_RELOAD" };
}

/** What `waymark mesh alias` changes while the mesh runs: the feature-group alias table. */
export interface LiveSettings {
  aliases: Record<string, string>;
}

/** Pods of one service version in one place, scaled and rolled as a unit (a Kubernetes Deployment). */
export interface DeploymentSpec {
  name: string;
  service: string;
  version: string;
  dc: string;
  namespace: string;
}

export interface GatewaySpec {
  name: string;
  role: "ingress" | "internal" | "egress";
  dc: string;
  /** Envoy config template, relative to the project root. */
  template: string;
  port: number;
  adminPort: number;
  /** What this gateway does, for the table `npm start` prints. */
  about: string;
  plugins: PluginUse[];
  /** Template placeholder values (upstream ports, ...); LISTENER_PORT, ADMIN_PORT, plugin configs are added. */
  vars(p: PortPlan): Record<string, string | number>;
  /**
   * Clusters whose endpoints are the pods of a deployment, by cluster name: they read them from a file (Envoy's
   * file-based EDS, {{XDS_DIR}}/<cluster>.eds.json), so pods come and go without a restart.
   */
  eds?: Record<string, string>;
}

/** What a scenario expects; fields left out are not compared. null = must be absent. */
export interface Expect {
  status: number;
  service?: string;
  version?: string;
  pod?: string;
  dc?: string;
  namespace?: string;
  tenant?: string | null;
  group?: string | null;
  /** Headers the upstream must have seen (value) or not seen (null). */
  seen?: Record<string, string | null>;
  /** The pod Envoy's Maglev picks for this cart key among the pods of the named cart gateway. */
  maglev?: { gateway: string; key: string };
}

export interface Scenario {
  name: string;
  /** One line saying what it shows. */
  title: string;
  /** The gateway the request enters (ingress for clients; an internal or egress gateway for service calls). */
  via: string;
  method?: string;
  /** Path; {{ID}} is replaced by the cart ID minted in `mint`. */
  path: string;
  /** Tenant whose demo token is sent as `Authorization: Bearer`; "tampered" sends a token with a broken signature. */
  token?: string | "tampered";
  headers?: Record<string, string>;
  body?: unknown;
  /** Mint a cart ID at this gateway for this pod first (the sticky plugin's ID endpoint). */
  mint?: { gateway: string; pod: string };
  /** Plugins the expectation depends on; without them the scenario is reported as skipped, not passed. */
  needs: Array<PluginUse["plugin"]>;
  expect: Expect;
}

/** Ports of every service and gateway by name ("<gateway>" = listener, "<gateway>/admin" = admin). */
export interface PortPlan {
  port(name: string): number;
  address(name: string): string;
  /** Records the port of a process started later (a pod `waymark mesh scale|rollout` adds). */
  assign(name: string, port: number): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Identity: the demo issuer and its tenants (mesh/tokens.ts mints their tokens, the JWKS server publishes the key).

export const ISSUER = "https://id.waymark.local";
export const AUDIENCE = "waymark-demo";
export const TENANTS = [
  { tenant: "acme", sub: "alice@acme.example" },
  { tenant: "globex", sub: "hank@globex.example" },
  { tenant: "dev-team", sub: "dev@waymark.local" },
];
/** The developer whose sandbox namespace holds a changed crm. */
export const SANDBOX = "alice";
/** The credential the external payments provider wants; only the egress gateway knows it. */
export const PAYMENTS_CREDENTIAL = "Bearer pk_demo_7f3a";
export const PAYMENTS_HOST = "payments.example";

// ---------------------------------------------------------------------------------------------------------------
// Services

const pod = (deployment: string, index: number, service: string, version: string, dc: string, namespace: string, port: number): ServiceSpec =>
  ({ name: `${deployment}-${index}`, deployment, kind: "echo", service, version, pod: `${deployment}-${index}`, dc, namespace, port });

/** Every process of the mesh as it starts; `waymark mesh scale|rollout` adds and removes pods of a deployment. */
export const services: ServiceSpec[] = [
  { name: "jwks", kind: "jwks", service: "jwks", version: "v1", pod: "jwks", dc: "dc1", namespace: "identity", port: 18000 },
  pod("order-mgmt-v1", 0, "order-mgmt", "v1", "dc1", "trunk", 18011),
  pod("order-mgmt-v2", 0, "order-mgmt", "v2", "dc1", "trunk", 18012),
  pod("order-mgmt-v3", 0, "order-mgmt", "v3", "dc1", "trunk", 18013),
  pod("order-mgmt-acme", 0, "order-mgmt", "v1", "dc1", "tenant-acme", 18014),
  pod("cart", 0, "cart", "v1", "dc1", "trunk", 18021),
  pod("cart", 1, "cart", "v1", "dc1", "trunk", 18022),
  pod("cart", 2, "cart", "v1", "dc1", "trunk", 18023),
  pod("cart-dc2", 0, "cart", "v1", "dc2", "trunk", 18031),
  pod("cart-dc2", 1, "cart", "v1", "dc2", "trunk", 18032),
  pod("crm", 0, "crm", "v1", "dc1", "trunk", 18041),
  pod(`crm-${SANDBOX}`, 0, "crm", "v1-dev", "dc1", `sandbox-${SANDBOX}`, 18042),
  pod("billing-v1", 0, "billing", "v1", "dc1", "trunk", 18051),
  pod("billing-v3", 0, "billing", "v3", "dc1", "trunk", 18052),
  { name: "payments-provider", kind: "echo", service: "payments-provider", version: "2024-06", pod: "payments-provider", dc: "external",
    namespace: "external", port: 18061, external: true },
];

/** The deployments, with the pods they start with (services above). */
export const deployments: DeploymentSpec[] = [...new Map(services.filter((s) => s.deployment).map((s) =>
  [s.deployment!, { name: s.deployment!, service: s.service, version: s.version, dc: s.dc, namespace: s.namespace }])).values()];

/** What an echo service reports about itself besides its service name (the echo server's `extra`). */
export function serviceIdentity(s: ServiceSpec): Record<string, string> {
  return { version: s.version, pod: s.pod, dc: s.dc, namespace: s.namespace };
}

/** The cart deployment each cart gateway picks pods of (its cluster cart-pods). */
export const CART_DEPLOYMENT: Record<string, string> = { cart: "cart", "cart-dc2": "cart-dc2" };

// ---------------------------------------------------------------------------------------------------------------
// Plugin configurations (the JSON each plugin receives; `npx waymark validate` checks the same documents)

/** The tenant plugin at the ingress: verify the demo issuer's tokens (keys fetched from the JWKS server). */
export function tenantConfig(p: PortPlan): Record<string, unknown> {
  return {
    providers: {
      demo: {
        issuer: ISSUER,
        audiences: [AUDIENCE],
        remote_jwks: {
          http_uri: { uri: `http://${p.address("jwks")}/.well-known/jwks.json`, cluster: "jwks", timeout: "2s" },
          cache_duration: "300s",
        },
        claim_to_headers: [
          { header_name: "x-tenant", claim_name: "tenant" },
          { header_name: "x-user-id", claim_name: "sub" },
        ],
      },
    },
  };
}

/** Which version each focus group gets when the mesh starts (`waymark mesh alias <group> <version>` changes it live). */
export const INITIAL_ALIASES: Record<string, string> = { "geo-discount": "v2", "progressive-discount": "v3" };

/** The versions order-mgmt and billing route x-version to (what an alias may name). */
export const ROUTED_VERSIONS = ["v1", "v2", "v3"];

/**
 * The feature-group plugin: order-mgmt's focus groups (v2 = discount by geolocation, v3 = progressive discount
 * for loyal customers) and the developer sandbox override. The ingress decides (trust_incoming false); internal
 * gateways keep what the ingress decided and decide only for calls that carry no group yet.
 */
export function featureGroupConfig(trustIncoming: boolean, aliases: Record<string, string> = INITIAL_ALIASES): Record<string, unknown> {
  return {
    rules: [
      { group: "geo-discount", geo: { countries: ["DE", "AT"] } },
      { group: "progressive-discount", body: { pointer: "/customer/segment", equals: "loyal" } },
    ],
    aliases,
    geo: {
      // One trusted proxy (a load balancer) in front of the ingress appends the client address.
      xff_num_trusted_hops: 1,
      cidrs: [
        { prefix: "203.0.113.0/24", country: "DE" },
        { prefix: "198.51.100.0/24", country: "US" },
        { prefix: "2001:db8:de::/48", country: "AT" },
      ],
    },
    group_header: "x-feature-group",
    version_header: "x-version",
    max_body_bytes: 65536,
    trust_incoming: trustIncoming,
    overrides: [{ header: "x-sandbox", when: { header: { name: "x-tenant", equals: "dev-team" } } }],
  };
}

/**
 * The sticky plugin in pick mode at a cart gateway: it follows the live endpoints of the gateway's cluster cart-pods
 * (membership, read from the gateway's own admin through cluster envoy_admin), the other DC is a peer.
 */
export function stickyConfig(local: string, peers: Record<string, string>): () => Record<string, unknown> {
  return () => ({
    key: [{ header: "x-cart-id" }, { path: "/api/carts/{cart}/items" }, { cookie: "cart" }],
    mode: "pick",
    algorithm: "maglev",
    table_size: 65537,
    // Pods are keyed by name (the EDS endpoints' hash_key), as the native MAGLEV cluster cart-maglev keys them.
    membership: { cluster: "cart-pods", admin_cluster: "envoy_admin" },
    id: { path: "/.waymark/id", prefix: "cart-" },
    dc: { local, peers, header: "x-waymark-dc" },
    // A request without a cart key is balanced over the pods normally.
    on_missing: "continue",
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Gateways

const quotedPorts = (p: PortPlan, names: Record<string, string>) =>
  Object.fromEntries(Object.entries(names).map(([k, v]) => [k, p.port(v)]));

/** feature-group reads its configuration through ECDS, so `waymark mesh alias` can promote a group live. */
const featureGroup = (trustIncoming: boolean): PluginUse => ({
  plugin: "feature-group", placeholder: "FEATURE_GROUP_CONFIG", config: (_p, live) => featureGroupConfig(trustIncoming, live?.aliases),
  ecds: { allowOnHeadersStopIteration: true, failurePolicy: "FAIL_RELOAD" },
});

export const gateways: GatewaySpec[] = [
  {
    name: "ingress", role: "ingress", dc: "dc1", template: "envoy-configs/mesh-ingress.yaml", port: 10000, adminPort: 19000,
    about: "public API only: /api/orders, /api/carts, /api/customers (tenant + feature-group plugins)",
    plugins: [
      { plugin: "tenant", placeholder: "TENANT_CONFIG", config: tenantConfig },
      featureGroup(false),
    ],
    vars: (p) => quotedPorts(p, { JWKS_PORT: "jwks", ORDER_MGMT_PORT: "order-mgmt", CART_PORT: "cart", CRM_PORT: "crm" }),
  },
  {
    name: "order-mgmt", role: "internal", dc: "dc1", template: "envoy-configs/mesh-order-mgmt.yaml", port: 10001, adminPort: 19001,
    about: "acme -> dedicated instance; x-version v2/v3 -> canaries; else v1",
    plugins: [featureGroup(true)],
    vars: () => ({}),
    eds: { "order-mgmt-v1": "order-mgmt-v1", "order-mgmt-v2": "order-mgmt-v2", "order-mgmt-v3": "order-mgmt-v3", "order-mgmt-acme": "order-mgmt-acme" },
  },
  {
    name: "cart", role: "internal", dc: "dc1", template: "envoy-configs/mesh-cart.yaml", port: 10002, adminPort: 19002,
    about: "sticky plugin (pick, following the pods live): each cart to its pod; dc2 carts to the dc2 gateway",
    plugins: [{ plugin: "sticky", placeholder: "STICKY_CONFIG", config: stickyConfig("dc1", { dc2: "dc2-gateway" }) }],
    vars: (p) => ({ DC: "dc1", PEER_DC: "dc2", PEER_PORT: p.port("cart-dc2") }),
    eds: { "cart-pods": "cart", "cart-maglev": "cart" },
  },
  {
    name: "cart-dc2", role: "internal", dc: "dc2", template: "envoy-configs/mesh-cart.yaml", port: 10003, adminPort: 19003,
    about: "the second data centre's cart gateway (2 pods)",
    plugins: [{ plugin: "sticky", placeholder: "STICKY_CONFIG", config: stickyConfig("dc2", { dc1: "dc1-gateway" }) }],
    vars: (p) => ({ DC: "dc2", PEER_DC: "dc1", PEER_PORT: p.port("cart") }),
    eds: { "cart-pods": "cart-dc2", "cart-maglev": "cart-dc2" },
  },
  {
    name: "crm", role: "internal", dc: "dc1", template: "envoy-configs/mesh-crm.yaml", port: 10004, adminPort: 19004,
    about: `x-sandbox: ${SANDBOX} -> sandbox-${SANDBOX} (changed crm); else trunk`,
    plugins: [],
    vars: () => ({ SANDBOX }),
    eds: { "crm-trunk": "crm", "crm-sandbox": `crm-${SANDBOX}` },
  },
  {
    name: "billing", role: "internal", dc: "dc1", template: "envoy-configs/mesh-billing.yaml", port: 10005, adminPort: 19005,
    about: "internal only; x-version v3 -> billing v3; else v1",
    plugins: [featureGroup(true)],
    vars: () => ({}),
    eds: { "billing-v1": "billing-v1", "billing-v3": "billing-v3" },
  },
  {
    name: "egress", role: "egress", dc: "dc1", template: "envoy-configs/mesh-egress.yaml", port: 10006, adminPort: 19006,
    about: `/payments -> external ${PAYMENTS_HOST}, with its credential added`,
    plugins: [],
    vars: (p) => ({ PAYMENTS_PORT: p.port("payments-provider"), PAYMENTS_HOST, PAYMENTS_CREDENTIAL }),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Scenarios: what `npm start` prints as curl commands and `npm run demo` checks.

const order = { items: [{ sku: "tea-42", qty: 2 }] };

export const scenarios: Scenario[] = [
  { name: "no-token", title: "the ingress refuses a request without a token", via: "ingress", path: "/api/orders",
    needs: ["tenant"], expect: { status: 401 } },
  { name: "bad-token", title: "... and a token whose signature does not verify", via: "ingress", path: "/api/orders", token: "tampered",
    needs: ["tenant"], expect: { status: 401 } },
  { name: "acme-dedicated", title: "tenant acme reaches its dedicated order-mgmt instance", via: "ingress", path: "/api/orders", token: "acme",
    needs: ["tenant"], expect: { status: 200, service: "order-mgmt", pod: "order-mgmt-acme-0", namespace: "tenant-acme", tenant: "acme" } },
  { name: "shared-baseline", title: "other tenants share the baseline v1", via: "ingress", path: "/api/orders", token: "globex",
    needs: ["tenant"], expect: { status: 200, service: "order-mgmt", version: "v1", pod: "order-mgmt-v1-0", tenant: "globex", group: null } },
  { name: "geo-discount", title: "a customer in Germany (203.0.113.0/24) is in focus group B: v2", via: "ingress", path: "/api/orders",
    token: "globex", headers: { "x-forwarded-for": "203.0.113.7" },
    needs: ["tenant", "feature-group"], expect: { status: 200, version: "v2", pod: "order-mgmt-v2-0", tenant: "globex", group: "geo-discount" } },
  { name: "progressive-discount", title: "a loyal customer (from the JSON body) is in focus group A: v3", via: "ingress", method: "POST",
    path: "/api/orders", token: "globex", headers: { "content-type": "application/json" }, body: { customer: { id: 7, segment: "loyal" }, ...order },
    needs: ["tenant", "feature-group"], expect: { status: 200, version: "v3", pod: "order-mgmt-v3-0", group: "progressive-discount" } },
  { name: "tenant-spoof", title: "a client cannot claim another tenant with a header", via: "ingress", path: "/api/orders", token: "globex",
    headers: { "x-tenant": "acme" },
    needs: ["tenant"], expect: { status: 200, pod: "order-mgmt-v1-0", tenant: "globex" } },
  { name: "version-spoof", title: "... nor pick a version or group itself", via: "ingress", path: "/api/orders", token: "globex",
    headers: { "x-version": "v3", "x-feature-group": "progressive-discount" },
    needs: ["tenant", "feature-group"], expect: { status: 200, version: "v1", pod: "order-mgmt-v1-0", group: null } },
  { name: "acme-in-germany", title: "tenant isolation comes first: acme in Germany stays on its instance", via: "ingress", path: "/api/orders",
    token: "acme", headers: { "x-forwarded-for": "203.0.113.7" },
    needs: ["tenant", "feature-group"], expect: { status: 200, pod: "order-mgmt-acme-0", tenant: "acme", group: "geo-discount" } },
  { name: "cart-key", title: "a cart goes to the pod Envoy's Maglev picks for its key, every time", via: "ingress",
    path: "/api/carts/cart-1234/items", token: "globex",
    needs: ["tenant", "sticky"], expect: { status: 200, service: "cart", dc: "dc1", maglev: { gateway: "cart", key: "cart-1234" } } },
  { name: "cart-minted", title: "a cart ID minted for cart-0 comes home to cart-0", via: "ingress", path: "/api/carts/{{ID}}/items",
    token: "globex", mint: { gateway: "cart", pod: "cart-0" },
    needs: ["tenant", "sticky"], expect: { status: 200, service: "cart", pod: "cart-0", dc: "dc1" } },
  { name: "cart-cross-dc", title: "a cart created in dc2 is served by its dc2 pod, through the dc1 entry", via: "ingress",
    path: "/api/carts/{{ID}}/items", token: "globex", mint: { gateway: "cart-dc2", pod: "cart-dc2-1" },
    needs: ["tenant", "sticky"], expect: { status: 200, service: "cart", pod: "cart-dc2-1", dc: "dc2" } },
  { name: "sandbox", title: `a developer's x-sandbox: ${SANDBOX} reaches the changed crm in their sandbox`, via: "ingress",
    path: "/api/customers/7", token: "dev-team", headers: { "x-sandbox": SANDBOX },
    needs: ["tenant", "feature-group"], expect: { status: 200, service: "crm", namespace: `sandbox-${SANDBOX}`, version: "v1-dev" } },
  { name: "sandbox-fallback", title: "... and the trunk for every service the sandbox does not hold", via: "ingress", path: "/api/orders",
    token: "dev-team", headers: { "x-sandbox": SANDBOX },
    needs: ["tenant", "feature-group"], expect: { status: 200, service: "order-mgmt", pod: "order-mgmt-v1-0", namespace: "trunk" } },
  { name: "sandbox-denied", title: "only developer tenants may use a sandbox", via: "ingress", path: "/api/customers/7", token: "globex",
    headers: { "x-sandbox": SANDBOX },
    needs: ["tenant", "feature-group"], expect: { status: 200, service: "crm", namespace: "trunk", seen: { "x-sandbox": null } } },
  { name: "billing-private", title: "billing is internal: the ingress does not publish it", via: "ingress", path: "/api/billing/invoices",
    token: "globex", needs: [], expect: { status: 404 } },
  { name: "internal-propagation", title: "a v3 order-mgmt calling billing keeps focus group A (v3)", via: "billing",
    path: "/api/billing/invoices", headers: { "x-tenant": "globex", "x-feature-group": "progressive-discount", "x-version": "v3" },
    needs: [], expect: { status: 200, service: "billing", version: "v3", group: "progressive-discount", tenant: "globex" } },
  { name: "internal-decides", title: "an internal call without a group is grouped at the billing gateway", via: "billing", method: "POST",
    path: "/api/billing/invoices", headers: { "content-type": "application/json" }, body: { customer: { segment: "loyal" } },
    needs: ["feature-group"], expect: { status: 200, service: "billing", version: "v3", group: "progressive-discount" } },
  { name: "egress-credentials", title: "services call the external provider through egress, which adds its credential", via: "egress",
    method: "POST", path: "/payments/charges", headers: { "content-type": "application/json", authorization: "Bearer internal-token", "x-tenant": "globex" },
    body: { amount: 1200, currency: "EUR" },
    needs: [], expect: { status: 200, service: "payments-provider", seen: { authorization: PAYMENTS_CREDENTIAL, host: PAYMENTS_HOST, "x-tenant": null } } },
];

// ---------------------------------------------------------------------------------------------------------------
// Port plans

/** The port of the mesh's control endpoint (`waymark mesh scale|rollout|alias` talk to the running mesh there). */
export const CONTROL_PORT = 19099;

/** The fixed ports above (npm start, docker compose). */
export const fixedPorts: PortPlan = planFrom(new Map([
  ...services.map((s) => [s.name, s.port] as [string, number]),
  ...gateways.flatMap((g) => [[g.name, g.port], [`${g.name}/admin`, g.adminPort]] as Array<[string, number]>),
  ["control", CONTROL_PORT],
]));

export function planFrom(ports: Map<string, number>): PortPlan {
  const port = (name: string) => {
    const v = ports.get(name);
    if (v === undefined) throw new Error(`the topology has no port named ${name}`);
    return v;
  };
  return { port, address: (name) => `127.0.0.1:${port(name)}`, assign: (name, p) => void ports.set(name, p) };
}

/** Every port name of the topology (services, gateway listeners, gateway admins, the control endpoint). */
export function portNames(): string[] {
  return [...services.map((s) => s.name), ...gateways.flatMap((g) => [g.name, `${g.name}/admin`]), "control"];
}
