/**
 * Whether the input holds a device's whole configuration. Extractors run before
 * `facts.coverage` is set, so those that must tell "not installed" from "not in the input" ask here.
 * Same test as extractRouterFacts' coverage: a whole backup or root (something in /etc beside
 * /etc/config, with the network and system packages) holds every UCI package the device has.
 */
import type { FileTree } from "../../sources/tree.js";

export function isCompleteInput(tree: FileTree): boolean {
  const configs = tree.list("etc/config");
  return tree.list("etc").length > 0 && configs.includes("network") && configs.includes("system");
}
