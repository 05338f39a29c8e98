// Why a rule could not match because of the request itself (bad or missing input). A request collects these
// as bits and each set bit increments its counter once: waymark.feature_group.rule_skipped.<reason>.

export const REASON_BODY_MALFORMED: u32 = 1 << 0;
export const REASON_BODY_TOO_DEEP: u32 = 1 << 1;
export const REASON_BODY_TOO_LARGE: u32 = 1 << 2;
export const REASON_BODY_TRUNCATED: u32 = 1 << 3;
export const REASON_BODY_NOT_JSON: u32 = 1 << 4;
export const REASON_BODY_MISSING: u32 = 1 << 5;
export const REASON_BODY_NOT_DELIVERED: u32 = 1 << 6;
export const REASON_ADDRESS_MALFORMED: u32 = 1 << 7;
export const REASON_ADDRESS_MISSING: u32 = 1 << 8;
export const REASON_COUNTRY_HEADER_MALFORMED: u32 = 1 << 9;
export const REASON_COUNTRY_UNKNOWN: u32 = 1 << 10;
export const REASON_PERCENT_KEY_MISSING: u32 = 1 << 11;

/** Metric suffixes, in bit order. */
export const REASON_NAMES: string[] = [
  "body_malformed", "body_too_deep", "body_too_large", "body_truncated", "body_not_json", "body_missing",
  "body_not_delivered", "address_malformed", "address_missing", "country_header_malformed", "country_unknown",
  "percent_key_missing",
];
