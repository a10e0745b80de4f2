/**
 * Whether a UCI package is there, and what its absence means. In a whole backup or root a missing
 * package is a package that is not installed; in a lone /etc/config folder it is just not known.
 * (The same test as index.ts's coverage, which is only set after the extractors have run.)
 */
import type { ConfigOrigin } from "../../facts/value.js";
import type { UciPackage } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";

export type Presence =
  | { state: "present"; pkg: UciPackage }
  | { state: "absent"; origin: ConfigOrigin }
  | { state: "unknown"; reason: string };

/** Where a package would be, when it is not there. */
export function absentOrigin(ctx: RouterContext, name: string, meaning: string): ConfigOrigin {
  return {
    kind: "config",
    file: ctx.tree.display(`etc/config/${name}`),
    excerpt: `no etc/config/${name} in a complete configuration: ${meaning}`,
    implied: true,
  };
}

export function presence(ctx: RouterContext, name: string, meaning: string): Presence {
  const pkg = ctx.pkg(name);
  if (pkg) return { state: "present", pkg };
  if (ctx.status(name) === "missing" && ctx.complete)
    return { state: "absent", origin: absentOrigin(ctx, name, meaning) };
  return { state: "unknown", reason: ctx.whyUnknown(name) };
}
