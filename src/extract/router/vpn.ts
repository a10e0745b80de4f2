/**
 * VPNs configured on the router, from every package that can hold one:
 *
 * - etc/config/network: netifd tunnel interfaces (`proto` wireguard, openvpn, pptp, l2tp, gre*,
 *   sstp). PPTP/L2TP/SSTP interfaces are clients; a WireGuard interface is a server when it
 *   listens and no peer has an endpoint, a client when its peers have endpoints.
 * - etc/config/openvpn: `config openvpn` instances, on when `enable` or `enabled` is set (both
 *   init scripts, OpenWrt's and RutOS's, accept either; the default is off). RutOS says the role
 *   in `type`; OpenWrt in `client`/`server`/`mode`/`tls_server`, or in the file `config` names.
 * - etc/config/ipsec (strongSwan UCI, OpenWrt and RutOS): `config remote` sections, on only with
 *   `enabled 1`; `gateway` absent/any means the router answers (server). RutOS binds L2TP and GRE
 *   tunnels to IPsec with `option bind_to` on a `config connection` (see the 02-l2tp-over-ipsec
 *   hotplug script and xl2tpd's init), and GRE interfaces also list `services 'ipsec'`.
 * - etc/config/pptpd, etc/config/xl2tpd: `config service` servers, on only with `enabled 1`;
 *   RutOS also requires `type 'server'`.
 * - etc/config/zerotier: `config zerotier` with `enabled 1`.
 * - etc/config/racoon (legacy RUT9XX IPsec): `config tunnel` sections; assumed on only with
 *   `enabled 1` (the factory file holds one tunnel without it).
 *
 * In a complete backup a missing package means "not installed", so the list is complete. In a
 * partial input the list holds what the packages present say; an origin names the packages that
 * were not there, and rules must not conclude anything from an absence (see facts.coverage).
 */
import type { Facts, Vpn, VpnType } from "../../facts/model.js";
import { known, type Origin, unknown } from "../../facts/value.js";
import { bool, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";

/** Every package that may hold a VPN, network first. */
const VPN_PACKAGES = ["network", "openvpn", "ipsec", "pptpd", "xl2tpd", "zerotier", "racoon"];

const GRE_PROTOS = new Set(["gre", "gretap", "grev6", "grev6tap"]);

/** netifd brings an interface up unless it is disabled or `auto 0` (then only on demand). */
function interfaceEnabled(s: UciSection): boolean {
  return bool(s, "disabled") !== true && bool(s, "enabled") !== false && bool(s, "auto") !== false;
}

/** Origins that say why an interface is (not) started. */
function switches(ctx: RouterContext, pkg: UciPackage, s: UciSection, names: string[]): Origin[] {
  return names.filter((n) => s.options.has(n)).map((n) => ctx.origin(pkg, s, n));
}

interface IpsecBinding {
  /** The enabled IPsec remote that protects the tunnel. */
  remote: string;
  at: Origin;
}

/**
 * Which tunnels (network interfaces or xl2tpd servers) are carried inside an enabled IPsec
 * connection, by `bind_to` on a connection/tunnel section of etc/config/ipsec.
 */
function ipsecBindings(ctx: RouterContext): Map<string, IpsecBinding> {
  const out = new Map<string, IpsecBinding>();
  const pkg = ctx.pkg("ipsec");
  if (!pkg) return out;
  const enabledRemotes = sectionsOfType(pkg, "remote").filter((r) => bool(r, "enabled") === true);
  const remoteOf = (child: UciSection): UciSection | undefined => {
    const name = child.name ?? "";
    return enabledRemotes.find(
      (r) =>
        // OpenWrt: the remote lists its children; RutOS: the child is named <remote>_c.
        list(r, "tunnel").includes(name) ||
        list(r, "transport").includes(name) ||
        list(r, "connection").includes(name) ||
        (r.name !== undefined && (name === `${r.name}_c` || name.split("_")[0] === r.name)),
    );
  };
  for (const s of pkg.sections) {
    const bind = str(s, "bind_to");
    if (!bind || bind === "-" || s.type === "remote") continue;
    const remote = remoteOf(s);
    if (remote)
      out.set(bind, { remote: remote.name ?? remote.ref, at: ctx.origin(pkg, s, "bind_to") });
  }
  return out;
}

function fromNetwork(ctx: RouterContext, bound: Map<string, IpsecBinding>): Vpn[] {
  const pkg = ctx.pkg("network");
  if (!pkg) return [];
  const out: Vpn[] = [];
  // RutOS 7.21+ also marks a GRE interface carried by IPsec with `list services 'ipsec'`; that
  // counts only while some IPsec remote is actually enabled.
  const ipsecOn = sectionsOfType(ctx.pkg("ipsec"), "remote").some(
    (r) => bool(r, "enabled") === true,
  );
  for (const s of sectionsOfType(pkg, "interface")) {
    const name = s.name ?? s.ref;
    const proto = (str(s, "proto") ?? "").toLowerCase();
    const at = [
      ctx.origin(pkg, s, "proto"),
      ...switches(ctx, pkg, s, ["disabled", "enabled", "auto"]),
    ];
    const base = { name, enabled: interfaceEnabled(s), cfg: ctx.ref(pkg, s) };
    const binding = bound.get(name);
    const overIpsec =
      binding !== undefined ||
      (ipsecOn && list(s, "services").some((x) => x.toLowerCase() === "ipsec"));
    if (binding) at.push(binding.at);
    else if (overIpsec) at.push(ctx.origin(pkg, s, "services"));

    let type: VpnType | undefined;
    let role: Vpn["role"] = "client";
    let weak = false;
    if (proto === "wireguard") {
      type = "wireguard";
      role = wireguardRole(ctx, pkg, s, at);
    } else if (proto === "openvpn") {
      type = "openvpn";
      role = "unknown";
    } else if (proto === "pptp") {
      type = "pptp";
      weak = true;
    } else if (proto === "l2tp") {
      type = overIpsec ? "l2tp-ipsec" : "l2tp";
      weak = !overIpsec;
    } else if (GRE_PROTOS.has(proto)) {
      type = "gre";
      role = "peer";
      weak = !overIpsec;
    } else if (proto === "sstp") {
      type = "sstp";
    }
    if (type) out.push({ ...base, type, role, weak, at });
  }
  return out;
}

function wireguardRole(
  ctx: RouterContext,
  pkg: UciPackage,
  s: UciSection,
  at: Origin[],
): Vpn["role"] {
  const name = s.name ?? s.ref;
  const peers = sectionsOfType(pkg, `wireguard_${name}`);
  const withEndpoint = peers.filter((p) => str(p, "endpoint_host"));
  if (withEndpoint.length > 0) {
    at.push(...withEndpoint.map((p) => ctx.origin(pkg, p, "endpoint_host")));
    return withEndpoint.length === peers.length ? "client" : "peer";
  }
  if (s.options.has("listen_port")) {
    at.push(ctx.origin(pkg, s, "listen_port"));
    return "server";
  }
  return "peer";
}

/** OpenVPN instances: `enable` or `enabled` (either turns it on; both default to off). */
function fromOpenvpn(ctx: RouterContext): Vpn[] {
  const pkg = ctx.pkg("openvpn");
  if (!pkg) return [];
  return sectionsOfType(pkg, "openvpn").map((s) => {
    const on = bool(s, "enable") === true || bool(s, "enabled") === true;
    const switchOpt = s.options.has("enabled") ? "enabled" : "enable";
    const at: Origin[] = [ctx.originOr(pkg, s, switchOpt, "0")];
    return {
      name: s.name ?? s.ref,
      type: "openvpn" as const,
      role: openvpnRole(ctx, pkg, s, at),
      enabled: on,
      weak: false,
      at,
      cfg: ctx.ref(pkg, s),
    };
  });
}

function openvpnRole(
  ctx: RouterContext,
  pkg: UciPackage,
  s: UciSection,
  at: Origin[],
): Vpn["role"] {
  const type = str(s, "type")?.toLowerCase();
  if (type === "client" || type === "server") {
    at.push(ctx.origin(pkg, s, "type"));
    return type;
  }
  if (bool(s, "client") === true || bool(s, "tls_client") === true) {
    at.push(ctx.origin(pkg, s, s.options.has("client") ? "client" : "tls_client"));
    return "client";
  }
  for (const opt of ["server", "server_bridge", "tls_server"]) {
    if (s.options.has(opt) && bool(s, opt) !== false) {
      at.push(ctx.origin(pkg, s, opt));
      return "server";
    }
  }
  if (str(s, "mode")?.toLowerCase() === "server") {
    at.push(ctx.origin(pkg, s, "mode"));
    return "server";
  }
  const config = str(s, "config");
  if (config) {
    at.push(ctx.origin(pkg, s, "config"));
    const text = ctx.tree.read(config.replace(/^\/+/, ""));
    if (text !== undefined) {
      const lines = text.split("\n").map((l) => l.trim().toLowerCase());
      if (lines.some((l) => /^(client|tls-client)\b/.test(l))) return "client";
      if (lines.some((l) => /^(server|server-bridge|tls-server|mode\s+server)\b/.test(l)))
        return "server";
    }
  }
  return "unknown";
}

function fromIpsec(ctx: RouterContext): Vpn[] {
  const pkg = ctx.pkg("ipsec");
  if (!pkg) return [];
  return sectionsOfType(pkg, "remote").map((s) => {
    const gateway = str(s, "gateway");
    const answers = gateway === undefined || gateway === "any" || gateway === "%any";
    return {
      name: s.name ?? s.ref,
      type: "ipsec" as const,
      role: answers ? ("server" as const) : ("client" as const),
      enabled: bool(s, "enabled") === true,
      weak: false,
      at: [ctx.originOr(pkg, s, "enabled", "0"), ctx.originOr(pkg, s, "gateway", "%any")],
      cfg: ctx.ref(pkg, s),
    };
  });
}

/** pptpd / xl2tpd servers: `config service`, off unless `enabled 1`; RutOS adds `type 'server'`. */
function fromPppServers(ctx: RouterContext, bound: Map<string, IpsecBinding>): Vpn[] {
  const out: Vpn[] = [];
  for (const name of ["pptpd", "xl2tpd"] as const) {
    const pkg = ctx.pkg(name);
    if (!pkg) continue;
    for (const s of sectionsOfType(pkg, "service")) {
      const type = str(s, "type");
      if (type !== undefined && type !== "server") continue;
      const id = s.name ?? s.ref;
      const at: Origin[] = [ctx.originOr(pkg, s, "enabled", "0")];
      const binding = name === "xl2tpd" ? bound.get(id) : undefined;
      if (binding) at.push(binding.at);
      out.push({
        name: id,
        type: name === "pptpd" ? "pptp" : binding ? "l2tp-ipsec" : "l2tp",
        role: "server",
        enabled: bool(s, "enabled") === true,
        weak: binding === undefined,
        at,
        cfg: ctx.ref(pkg, s),
      });
    }
  }
  return out;
}

function fromOthers(ctx: RouterContext): Vpn[] {
  const out: Vpn[] = [];
  const simple = (pkgName: string, sectionType: string, type: VpnType, role: Vpn["role"]) => {
    const pkg = ctx.pkg(pkgName);
    if (!pkg) return;
    for (const s of sectionsOfType(pkg, sectionType)) {
      out.push({
        name: s.name ?? s.ref,
        type,
        role,
        enabled: bool(s, "enabled") === true,
        weak: false,
        at: [ctx.originOr(pkg, s, "enabled", "0")],
        cfg: ctx.ref(pkg, s),
      });
    }
  };
  simple("zerotier", "zerotier", "zerotier", "peer");
  simple("racoon", "tunnel", "ipsec", "unknown");
  return out;
}

export function extractVpn(ctx: RouterContext, facts: Facts): void {
  const broken = VPN_PACKAGES.filter((p) => ctx.status(p) === "broken");
  if (broken.length > 0) {
    // libuci refuses the file, so the device runs none of it either; but what it meant is unknown.
    facts.vpns = unknown(broken.map((p) => ctx.whyUnknown(p)).join("; "));
    return;
  }
  const complete = ctx.complete;
  if (!complete && !ctx.pkg("network")) {
    facts.vpns = unknown(ctx.whyUnknown("network"));
    return;
  }
  const bound = ipsecBindings(ctx);
  const vpns = [
    ...fromNetwork(ctx, bound),
    ...fromOpenvpn(ctx),
    ...fromIpsec(ctx),
    ...fromPppServers(ctx, bound),
    ...fromOthers(ctx),
  ];
  const present = VPN_PACKAGES.filter((p) => ctx.pkg(p));
  const absent = VPN_PACKAGES.filter((p) => !ctx.pkg(p));
  const at: Origin[] = present.map((p) => ({
    kind: "config",
    file: ctx.pkg(p)?.file ?? p,
    excerpt: `read for VPNs: ${vpns.filter((v) => v.cfg?.package === p).length} found`,
  }));
  if (absent.length > 0) {
    at.push({
      kind: "config",
      file: ctx.tree.display("etc/config"),
      excerpt: complete
        ? `not installed (absent from a complete backup): ${absent.join(", ")}`
        : `not in this partial input (they may exist on the device): ${absent.join(", ")}`,
    });
  }
  facts.vpns = known(vpns, ...at);
}
