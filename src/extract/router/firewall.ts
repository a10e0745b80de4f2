/** The OpenWrt firewall (fw3/fw4 UCI): defaults, zones, rules, port forwards, custom includes. */
import type {
  Facts,
  Firewall,
  FirewallRule,
  FirewallTarget,
  PortForward,
  PortRange,
} from "../../facts/model.js";
import { parsePorts } from "../../facts/ports.js";
import { known, unknown } from "../../facts/value.js";
import { bool, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { UciSection } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";

function target(v: string | undefined, dflt: FirewallTarget): FirewallTarget {
  const t = v?.toUpperCase();
  if (t === "ACCEPT" || t === "REJECT" || t === "DROP" || t === "MARK" || t === "NOTRACK") return t;
  return v === undefined ? dflt : "OTHER";
}

/** fw3/fw4 default protocol for rules and redirects is "tcp udp"; "all"/"any" means every protocol. */
function protocols(s: UciSection): string[] {
  const p = list(s, "proto").map((x) => x.toLowerCase());
  if (p.length === 0) return ["tcp", "udp"];
  if (p.includes("all") || p.includes("any") || p.includes("*")) return ["all"];
  return p.flatMap((x) => (x === "tcpudp" ? ["tcp", "udp"] : [x]));
}

function portsOf(s: UciSection, option: string, protos: string[]): PortRange[] | "invalid" {
  const spec = list(s, option).join(" ");
  if (!spec) return [];
  const out: PortRange[] = [];
  const transports = protos.includes("all")
    ? (["tcp", "udp"] as const)
    : (["tcp", "udp"] as const).filter((t) => protos.includes(t));
  for (const t of transports) {
    const p = parsePorts(spec, t);
    if (!p) return "invalid";
    out.push(...p);
  }
  return out;
}

export function extractFirewall(ctx: RouterContext, facts: Facts): void {
  const pkg = ctx.pkg("firewall");
  if (!pkg) {
    facts.firewall = unknown(ctx.whyUnknown("firewall"));
    return;
  }
  const d = sectionsOfType(pkg, "defaults")[0];
  const fw: Firewall = {
    engine: ctx.tree.list("etc/nftables.d").length > 0 ? "fw4" : "unknown",
    defaults: {
      input: target(d && str(d, "input"), "REJECT"),
      forward: target(d && str(d, "forward"), "REJECT"),
      output: target(d && str(d, "output"), "ACCEPT"),
    },
    zones: [],
    rules: [],
    forwards: [],
    includes: [],
    at: [d ? ctx.origin(pkg, d) : { kind: "config", file: pkg.file }],
  };
  for (const s of pkg.sections) {
    const enabled = bool(s, "enabled") !== false;
    switch (s.type) {
      case "zone": {
        fw.zones.push({
          name: str(s, "name") ?? s.name ?? s.ref,
          networks: list(s, "network"),
          input: target(str(s, "input"), fw.defaults.input),
          forward: target(str(s, "forward"), fw.defaults.forward),
          masquerade: bool(s, "masq") ?? false,
          at: [ctx.origin(pkg, s, s.options.has("input") ? "input" : undefined)],
          cfg: ctx.ref(pkg, s),
        });
        break;
      }
      case "rule": {
        const protos = protocols(s);
        const destPorts = portsOf(s, "dest_port", protos);
        if (destPorts === "invalid") {
          ctx.diagnostics.push({
            severity: "warning",
            file: pkg.file,
            line: s.options.get("dest_port")?.lines[0] ?? s.line,
            message: `unreadable dest_port in rule '${str(s, "name") ?? s.ref}'; rule ignored`,
          });
          break;
        }
        const rule: FirewallRule = {
          name: str(s, "name") ?? s.ref,
          enabled,
          src: str(s, "src"),
          dest: str(s, "dest"),
          srcIps: list(s, "src_ip"),
          protocols: protos,
          destPorts,
          target: target(str(s, "target"), "ACCEPT"),
          family: familyOf(str(s, "family")),
          at: [
            ctx.origin(pkg, s),
            ...(s.options.has("dest_port") ? [ctx.origin(pkg, s, "dest_port")] : []),
            ...(s.options.has("enabled") ? [ctx.origin(pkg, s, "enabled")] : []),
          ],
          cfg: ctx.ref(pkg, s),
        };
        fw.rules.push(rule);
        break;
      }
      case "redirect": {
        // fw3 redirects default to DNAT; SNAT redirects are not forwards into the network.
        if ((str(s, "target") ?? "DNAT").toUpperCase() !== "DNAT") break;
        const protos = protocols(s);
        const ext = portsOf(s, "src_dport", protos);
        const int = portsOf(s, "dest_port", protos);
        const forward: PortForward = {
          name: str(s, "name") ?? s.ref,
          enabled,
          src: str(s, "src") ?? "wan",
          srcIps: list(s, "src_ip"),
          protocols: protos,
          externalPorts: ext === "invalid" ? [] : ext,
          internalHost: str(s, "dest_ip"),
          internalPorts: int === "invalid" ? [] : int,
          isDmz: (ext === "invalid" || ext.length === 0) && protos.includes("all"),
          at: [ctx.origin(pkg, s)],
          cfg: ctx.ref(pkg, s),
        };
        fw.forwards.push(forward);
        break;
      }
      case "include": {
        if (!enabled) break;
        const path = str(s, "path");
        if (path && includeHasCommands(ctx, path))
          fw.includes.push({ path, at: [ctx.origin(pkg, s, "path")] });
        break;
      }
    }
  }
  facts.firewall = known(fw, ...fw.at);
}

/** Scripts the firmware itself installs as firewall includes: not the operator's own rules. */
const VENDOR_INCLUDE_RE =
  /^\/(?:tmp|var|usr|etc\/logtrigger)\/|^\/etc\/add-[\w-]+\.sh$|^\/etc\/firewall\.user$/;

/**
 * A firewall include matters only when it does something. The stock firewall.user (comments
 * only) does not; a script of the operator's whose text is not in the input is counted, since it
 * may open ports we cannot see.
 */
function includeHasCommands(ctx: RouterContext, path: string): boolean {
  const text = ctx.tree.read(path.replace(/^\//, ""));
  if (text === undefined) return !VENDOR_INCLUDE_RE.test(path);
  return text.split("\n").some((l) => l.trim() !== "" && !l.trim().startsWith("#"));
}

function familyOf(v: string | undefined): FirewallRule["family"] {
  if (v === "ipv4" || v === "ipv6") return v;
  return "any";
}
