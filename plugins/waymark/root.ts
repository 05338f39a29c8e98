// The combined module's root: splits the configuration into the three plugins' own sections and runs each
// plugin's root context on its section, in the order a gateway chains them (identity first, then the
// feature group, which may match the tenant header, then the pod choice).
import { ChainRoot, RootContext, logError, logInfo } from "../../assembly/sdk";
import { JsonLimits, stringifyJson } from "../../assembly/json";
import { ConfigErrors, parseConfigObject, checkKeys } from "../../assembly/config";
import { TenantRoot } from "../tenant/root";
import { FeatureGroupRoot } from "../feature-group/root";
import { StickyRoot } from "../sticky/root";

/** The sections, in the order their plugins run. */
const SECTIONS = ["tenant", "feature_group", "sticky"];

/** Room for the largest section any plugin accepts (feature-group's 32 MiB and 500,000 prefixes), one level deeper. */
function limits(): JsonLimits {
  const l = new JsonLimits();
  l.maxInputBytes = 40 << 20;
  l.maxMembers = 500_000;
  l.maxDepth = 65;
  return l;
}

function stageFor(section: string, contextId: u32): RootContext {
  if (section == "tenant") return new TenantRoot(contextId, "tenant");
  if (section == "feature_group") return new FeatureGroupRoot(contextId, "feature-group");
  return new StickyRoot(contextId, "sticky");
}

export class WaymarkRoot extends ChainRoot {
  onConfigure(configSize: u32): bool {
    const errors = new ConfigErrors();
    const top = parseConfigObject(this.pluginConfiguration(configSize), limits(), errors);
    if (top !== null) checkKeys(top, "", SECTIONS, errors);
    let present = 0;
    if (top !== null && !errors.failed) {
      for (let i = 0; i < SECTIONS.length; i++) {
        const section = top.get(SECTIONS[i]);
        if (section === null) continue;
        if (!section.isObject()) {
          errors.fail(SECTIONS[i], "must be a JSON object (that plugin's own configuration)");
          break;
        }
        present++;
      }
      if (!errors.failed && present == 0) errors.fail("configuration", "names no plugin (give tenant, feature_group or sticky)");
    }
    if (errors.failed) {
      logError("waymark: invalid configuration: " + errors.message);
      return false;
    }
    // Each section is handed to its plugin as the text of that plugin's own configuration: the plugin applies
    // its own rules and limits and logs its own refusal ("tenant: invalid configuration: ...").
    const stages = new Array<RootContext>();
    const sections = new Array<Uint8Array>();
    const names = new Array<string>();
    for (let i = 0; i < SECTIONS.length; i++) {
      const section = top!.get(SECTIONS[i]);
      if (section === null) continue;
      stages.push(stageFor(SECTIONS[i], this.contextId));
      sections.push(Uint8Array.wrap(String.UTF8.encode(stringifyJson(section))));
      names.push(SECTIONS[i]);
    }
    if (!this.configureStages(stages, sections)) return false;
    logInfo("waymark: configured: " + names.join(", "));
    return true;
  }
}
