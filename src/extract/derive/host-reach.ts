/**
 * TODO(host owner): for a host (no zone firewall), decide each service's reachability from the
 * internet from facts.hostFirewall (a saved iptables/nft ruleset's verdict per port) and
 * facts.listening (where the service really listens). Only services whose `wan` is still unknown
 * are decided here.
 */
import type { Facts } from "../../facts/model.js";

export function deriveHostReach(_facts: Facts): void {}
