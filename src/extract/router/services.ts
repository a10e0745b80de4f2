/**
 * Network services configured on the router: SSH (dropbear), the web UI (uhttpd), telnet, the
 * Web CLI, SNMP and UPnP. Defaults are those of the packages' init scripts when an option is absent.
 */
import type { BindScope, Facts, PortRange, Service } from "../../facts/model.js";
import { parseListen, parsePorts } from "../../facts/ports.js";
import { type Fact, known, unknown } from "../../facts/value.js";
import { bool, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";

const NOT_DERIVED = unknown("firewall not evaluated yet");

function service(partial: Omit<Service, "wan" | "auth"> & Partial<Pick<Service, "auth">>): Service {
  return { auth: {}, wan: NOT_DERIVED, ...partial };
}

/** A boolean option with its default, with provenance either way. */
function boolFact(
  ctx: RouterContext,
  pkg: UciPackage,
  s: UciSection,
  name: string,
  dflt: boolean,
): Fact<boolean> {
  const v = bool(s, name);
  if (v !== undefined) return known(v, ctx.origin(pkg, s, name));
  if (s.options.has(name)) {
    return unknown(`option ${name} '${str(s, name)}' is not a boolean`, ctx.origin(pkg, s, name));
  }
  return known(dflt, ctx.implied(pkg, s, name, dflt ? "1" : "0"));
}

export function extractSsh(ctx: RouterContext, facts: Facts): void {
  const pkg = ctx.pkg("dropbear");
  if (!pkg) return;
  const keys = authorizedKeys(ctx);
  for (const s of sectionsOfType(pkg, "dropbear")) {
    const portSpec = str(s, "Port") ?? "22";
    const ports = parsePorts(portSpec, "tcp");
    const iface = str(s, "Interface");
    // dropbear's init script: an instance runs unless `enable` is explicitly false.
    const enabled = boolFact(ctx, pkg, s, "enable", true);
    facts.services.push(
      service({
        id: s.typeIndex === 0 ? "ssh" : `ssh-${s.typeIndex}`,
        kind: "ssh",
        label: "SSH (dropbear)",
        admin: true,
        enabled,
        ports: ports
          ? known(ports, ctx.originOr(pkg, s, "Port", "22"))
          : unknown(`unreadable Port '${portSpec}'`, ctx.origin(pkg, s, "Port")),
        bind: iface
          ? known(bindOfInterface(iface), ctx.origin(pkg, s, "Interface"))
          : known("any", ctx.implied(pkg, s, "Interface", "all interfaces")),
        tls: known(false, ctx.origin(pkg, s)),
        auth: {
          password: boolFact(ctx, pkg, s, "PasswordAuth", true),
          rootPassword: boolFact(ctx, pkg, s, "RootPasswordAuth", true),
          authorizedKeys: keys,
        },
        cfg: ctx.ref(pkg, s),
      }),
    );
  }
}

function authorizedKeys(ctx: RouterContext): Fact<number> {
  const path = "etc/dropbear/authorized_keys";
  const file = ctx.readFile(path, "authorized_keys");
  if (file) {
    const n = file.text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#")).length;
    return known(n, { kind: "config", file: file.file, excerpt: `${n} public key(s)` });
  }
  // Only a whole backup or root tells us the file is really absent; an /etc/config folder cannot.
  if (ctx.tree.list("etc").length > 0 || ctx.tree.kind === "backup") {
    return known(0, {
      kind: "config",
      file: ctx.tree.display(path),
      excerpt: "file absent: no authorized keys",
    });
  }
  return unknown(`${path} is not part of the input`);
}

function bindOfInterface(iface: string): BindScope {
  const i = iface.toLowerCase();
  if (i === "lan" || i.startsWith("br-lan")) return "lan";
  if (i === "loopback" || i === "lo") return "loopback";
  if (i.startsWith("wan") || i.startsWith("mob")) return "wan";
  return "specific";
}

export function extractWebUi(ctx: RouterContext, facts: Facts): void {
  const pkg = ctx.pkg("uhttpd");
  if (!pkg) return;
  for (const s of pkg.sections) {
    if (s.type !== "uhttpd" && s.type !== "rms_uhttpd") continue;
    const name = s.name ?? `${s.typeIndex}`;
    const admin =
      name === "main" ||
      s.type === "rms_uhttpd" ||
      (name !== "hotspot" && !str(s, "home")?.includes("hotspot"));
    const label =
      s.type === "rms_uhttpd"
        ? "Web UI for RMS (uhttpd)"
        : name === "main"
          ? "Web UI (uhttpd)"
          : `web server '${name}' (uhttpd)`;
    const disabled = bool(s, "disabled") === true;
    const instanceOff = disabled ? known(false, ctx.origin(pkg, s, "disabled")) : undefined;
    const idBase = name === "main" ? "webui" : `uhttpd-${name}`;

    // Plain HTTP. RutOS 7 uses enable_http + a bare port; legacy uses enablehttp; OpenWrt lists addresses.
    const http = listenOf(s, "listen_http", s.type === "rms_uhttpd" ? "port" : undefined);
    const httpSwitch = s.options.has("enable_http")
      ? "enable_http"
      : s.options.has("enablehttp")
        ? "enablehttp"
        : undefined;
    const httpOn =
      instanceOff ??
      (httpSwitch
        ? boolFact(ctx, pkg, s, httpSwitch, true)
        : http.length
          ? known(true, ctx.origin(pkg, s, "listen_http"))
          : known(false, ctx.implied(pkg, s, "listen_http", "none")));
    if (http.length || httpSwitch) {
      facts.services.push(
        service({
          id: `${idBase}-http`,
          kind: "http",
          label: `${label}, HTTP`,
          admin,
          enabled: httpOn,
          ports: known(
            http.map((l) => ({ from: l.port, to: l.port, transport: "tcp" }) as PortRange),
            ctx.origin(pkg, s, http[0]?.option ?? "listen_http"),
          ),
          bind: known(
            widest(http.map((l) => l.bind)),
            ctx.origin(pkg, s, http[0]?.option ?? "listen_http"),
          ),
          tls: known(false, ctx.origin(pkg, s, http[0]?.option ?? "listen_http")),
          redirectsToTls: boolFact(ctx, pkg, s, "redirect_https", false),
          cfg: ctx.ref(pkg, s),
        }),
      );
    }
    const https = listenOf(s, "listen_https");
    const httpsSwitch = s.options.has("enable_https") ? "enable_https" : undefined;
    if (https.length) {
      facts.services.push(
        service({
          id: `${idBase}-https`,
          kind: "https",
          label: `${label}, HTTPS`,
          admin,
          enabled:
            instanceOff ??
            (httpsSwitch
              ? boolFact(ctx, pkg, s, httpsSwitch, true)
              : known(true, ctx.origin(pkg, s, "listen_https"))),
          ports: known(
            https.map((l) => ({ from: l.port, to: l.port, transport: "tls" }) as PortRange),
            ctx.origin(pkg, s, "listen_https"),
          ),
          bind: known(widest(https.map((l) => l.bind)), ctx.origin(pkg, s, "listen_https")),
          tls: known(true, ctx.origin(pkg, s, "listen_https")),
          cfg: ctx.ref(pkg, s),
        }),
      );
    }
  }
}

function listenOf(
  s: UciSection,
  option: string,
  portOption?: string,
): { port: number; bind: BindScope; option: string }[] {
  const out: { port: number; bind: BindScope; option: string }[] = [];
  for (const v of list(s, option)) {
    const l = parseListen(v);
    if (l) out.push({ ...l, option });
  }
  const p = portOption ? str(s, portOption) : undefined;
  if (p && portOption) {
    const l = parseListen(p);
    if (l) out.push({ ...l, option: portOption });
  }
  return out;
}

const BIND_ORDER: BindScope[] = ["loopback", "lan", "specific", "wan", "any"];

/** The most exposed of several bindings. */
function widest(binds: BindScope[]): BindScope {
  let best: BindScope = "loopback";
  for (const b of binds) if (BIND_ORDER.indexOf(b) > BIND_ORDER.indexOf(best)) best = b;
  return binds.length ? best : "any";
}

/** A simple daemon with an enable switch and a port: telnetd, the Web CLI. */
function simpleService(
  ctx: RouterContext,
  facts: Facts,
  spec: {
    pkg: string;
    type: string;
    id: string;
    kind: Service["kind"];
    label: string;
    enable: string;
    enableDefault: boolean;
    port: string;
    portDefault: string;
    tls: boolean;
  },
): void {
  const pkg = ctx.pkg(spec.pkg);
  if (!pkg) return;
  const s = sectionsOfType(pkg, spec.type)[0];
  if (!s) return;
  const portSpec = str(s, spec.port) ?? spec.portDefault;
  const ports = parsePorts(portSpec, "tcp");
  facts.services.push(
    service({
      id: spec.id,
      kind: spec.kind,
      label: spec.label,
      admin: true,
      enabled: boolFact(ctx, pkg, s, spec.enable, spec.enableDefault),
      ports: ports
        ? known(ports, ctx.originOr(pkg, s, spec.port, spec.portDefault))
        : unknown(`unreadable port '${portSpec}'`, ctx.origin(pkg, s, spec.port)),
      bind: known("any", ctx.origin(pkg, s)),
      tls: known(spec.tls, ctx.origin(pkg, s)),
      cfg: ctx.ref(pkg, s),
    }),
  );
}

export function extractTelnet(ctx: RouterContext, facts: Facts): void {
  simpleService(ctx, facts, {
    pkg: "telnetd",
    type: "telnetd",
    id: "telnet",
    kind: "telnet",
    label: "Telnet",
    enable: "enable",
    enableDefault: false,
    port: "port",
    portDefault: "23",
    tls: false,
  });
}

export function extractWebCli(ctx: RouterContext, facts: Facts): void {
  simpleService(ctx, facts, {
    pkg: "cli",
    type: "status",
    id: "web-cli",
    kind: "web-cli",
    label: "Web CLI (shellinabox)",
    enable: "enable",
    enableDefault: false,
    port: "port",
    portDefault: "4200-4220",
    tls: false,
  });
}

const DEFAULT_COMMUNITIES = new Set(["public", "private"]);

export function extractSnmp(ctx: RouterContext, facts: Facts): void {
  const pkg = ctx.pkg("snmpd");
  if (!pkg) return;
  const agent = sectionsOfType(pkg, "agent")[0];
  const enabled = agent
    ? boolFact(ctx, pkg, agent, "enabled", true)
    : known(true, {
        kind: "config" as const,
        file: pkg.file,
        excerpt: "snmpd configured (no agent section to disable it)",
      });
  const v1v2 = agent ? (bool(agent, "v1mode") ?? true) || (bool(agent, "v2cmode") ?? true) : true;
  const communities = [...sectionsOfType(pkg, "com2sec"), ...sectionsOfType(pkg, "com2sec6")];
  const defaults = communities.filter((c) => DEFAULT_COMMUNITIES.has(str(c, "community") ?? ""));
  const portSpec = agent ? (str(agent, "port") ?? "161") : "161";
  facts.services.push(
    service({
      id: "snmp",
      kind: "snmp",
      label: "SNMP agent",
      admin: true,
      enabled,
      ports: known(
        parsePorts(portSpec, "udp") ?? [{ from: 161, to: 161, transport: "udp" }],
        agent ? ctx.originOr(pkg, agent, "port", "161") : undefined,
      ),
      bind: known("any", agent ? ctx.origin(pkg, agent) : undefined),
      tls: known(false, agent ? ctx.origin(pkg, agent) : undefined),
      auth: {
        // Which community is set is recorded, never its value (beyond "a factory default").
        defaultCredential: known(
          v1v2 && defaults.length > 0,
          ...defaults.map((c) => ({
            ...ctx.origin(pkg, c),
            excerpt: `config ${c.type} '${c.name ?? c.ref}': factory-default community`,
          })),
        ),
        anonymous: known(false, agent ? ctx.origin(pkg, agent) : undefined),
      },
      cfg: agent ? ctx.ref(pkg, agent) : undefined,
    }),
  );
}

export function extractUpnp(ctx: RouterContext, facts: Facts): void {
  const pkg = ctx.pkg("upnpd");
  if (!pkg) return;
  const s = sectionsOfType(pkg, "upnpd")[0];
  if (!s) return;
  facts.services.push(
    service({
      id: "upnp",
      kind: "upnp",
      label: "UPnP / NAT-PMP (miniupnpd)",
      admin: false,
      enabled: boolFact(ctx, pkg, s, "enabled", false),
      ports: known(
        [
          {
            from: Number(str(s, "port") ?? 5000) || 5000,
            to: Number(str(s, "port") ?? 5000) || 5000,
            transport: "tcp",
          },
        ],
        ctx.originOr(pkg, s, "port", "5000"),
      ),
      bind: known("lan", ctx.originOr(pkg, s, "internal_iface", "lan")),
      tls: known(false, ctx.origin(pkg, s)),
      auth: { anonymous: known(true, ctx.origin(pkg, s)) },
      cfg: ctx.ref(pkg, s),
    }),
  );
}
