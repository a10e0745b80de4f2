/**
 * Any input to Facts: the router extractors where there is UCI configuration (etc/config), the
 * PBX extractors where there is an Asterisk one (etc/asterisk), the host extractors where there
 * are sshd, fail2ban, firewall or socket files. One input may feed several: a PBX's /etc holds
 * both Asterisk and host configuration, and the rules see one set of Facts. Logs (var/log of a
 * root, files given with `audit --logs`) are read last: they are measured against the jails.
 */
import { emptyFacts } from "../facts/empty.js";
import type { Facts } from "../facts/model.js";
import { known } from "../facts/value.js";
import type { FileTree } from "../sources/tree.js";
import { deriveHostReach } from "./derive/host-reach.js";
import { deriveWanReach } from "./derive/wan-reach.js";
import { extractHostFacts } from "./host/index.js";
import { extractLogFacts, type LogInputs } from "./logs/index.js";
import { AsteriskContext } from "./pbx/context.js";
import { extractPbxFacts } from "./pbx/index.js";
import { RouterContext } from "./router/context.js";
import { extractRouter } from "./router/index.js";

export interface ExtractOptions {
  /** Log files to read besides the tree's, and how to read their stamps. */
  logs?: LogInputs;
}

export function extractFacts(tree: FileTree, opts: ExtractOptions = {}): Facts {
  const facts = emptyFacts({
    name: tree.name,
    kind: tree.kind === "backup" ? "backup" : "directory",
  });
  const contexts = [];
  if (tree.list("etc/config").length > 0) {
    const router = new RouterContext(tree);
    extractRouter(router, facts);
    contexts.push(router);
  }
  const system = new AsteriskContext(tree);
  extractPbxFacts(system, facts);
  extractHostFacts(system, facts);
  contexts.push(system);
  if (!facts.device.class.known && system.sources.length > 0) {
    facts.device.class = known("linux-host", {
      kind: "config",
      file: tree.display("etc"),
      excerpt: "Linux host configuration (no router or PBX configuration)",
    });
    facts.device.platform = known("linux", { kind: "config", file: tree.display("etc") });
  }
  deriveWanReach(facts);
  deriveHostReach(facts);
  facts.sources = contexts.flatMap((c) => c.sources);
  facts.diagnostics = contexts.flatMap((c) => c.diagnostics);
  extractLogFacts(tree, facts, opts.logs);
  return facts;
}
