/**
 * Router (OpenWrt / Teltonika RutOS) configuration to Facts. Each extractor reads its own UCI
 * packages; derivations that combine areas (what the internet can reach) run last.
 */
import { emptyFacts } from "../../facts/empty.js";
import type { Facts } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import type { FileTree } from "../../sources/tree.js";
import { deriveWanReach } from "../derive/wan-reach.js";
import { extractAccounts, extractPasswordPolicy } from "./accounts.js";
import { extractCellular } from "./cellular.js";
import { extractCentralAuth } from "./central-auth.js";
import { RouterContext } from "./context.js";
import { extractDevice } from "./device.js";
import { extractEmail } from "./email.js";
import { extractEvents } from "./events.js";
import { extractFirewall } from "./firewall.js";
import { extractMqtt } from "./mqtt.js";
import { extractNetwork } from "./network.js";
import { extractPackages } from "./packages.js";
import {
  extractSnmp,
  extractSsh,
  extractTelnet,
  extractUpnp,
  extractWebCli,
  extractWebUi,
} from "./services.js";
import { extractSms } from "./sms.js";
import { extractVpn } from "./vpn.js";
import { extractWireless } from "./wireless.js";

export type RouterExtractor = (ctx: RouterContext, facts: Facts) => void;

/** In order; later ones may read what earlier ones filled in. */
export const ROUTER_EXTRACTORS: RouterExtractor[] = [
  extractDevice,
  extractSsh,
  extractWebUi,
  extractTelnet,
  extractWebCli,
  extractSnmp,
  extractUpnp,
  extractAccounts,
  extractPasswordPolicy,
  extractNetwork,
  extractFirewall,
  extractWireless,
  extractVpn,
  extractCentralAuth,
  extractCellular,
  extractSms,
  extractEvents,
  extractPackages,
  extractEmail,
  extractMqtt,
];

/** Runs the router extractors into `facts` (the UCI part of an input). */
export function extractRouter(ctx: RouterContext, facts: Facts): void {
  for (const extract of ROUTER_EXTRACTORS) extract(ctx, facts);
  facts.coverage = known(
    { configs: ctx.tree.list("etc/config"), complete: ctx.complete },
    { kind: "config", file: ctx.tree.display("etc/config") },
  );
}

/** Router facts alone, derivations included (the whole of an OpenWrt/RutOS input). */
export function extractRouterFacts(tree: FileTree): Facts {
  const ctx = new RouterContext(tree);
  const facts = emptyFacts({
    name: tree.name,
    kind: tree.kind === "backup" ? "backup" : "directory",
  });
  extractRouter(ctx, facts);
  deriveWanReach(facts);
  facts.sources = ctx.sources;
  facts.diagnostics = ctx.diagnostics;
  return facts;
}
