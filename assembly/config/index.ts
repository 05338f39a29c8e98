// Shared reading of plugin configurations:
//   parseConfigObject(bytes, limits, errors) -> the top-level object or null ("configuration: ...")
//   new ConfigErrors(new Wording(...)): one error slot, first error wins, "<field path>: <what is wrong>"
//   Fields.of(value, path, errors, allowed) then .string/.bool/.integer/.number/.choice/.array/.objectOrList/
//       .stringList/.object(key, allowed): typed reads with fallbacks; memberPath/itemPath build paths
//   isHeaderName(name, allowPseudo?): RFC 9110 token names a configuration may give
export * from "./fields";
export * from "./header-name";
