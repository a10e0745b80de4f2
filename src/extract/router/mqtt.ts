/**
 * MQTT on the router: the local broker (mosquitto), its bridges, and the router's own MQTT clients.
 *
 * - RutOS broker (Services > MQTT > Broker): `config mqtt 'mqtt'` in etc/config/mosquitto, read by
 *   Teltonika's init script: enabled (default 0), local_port (list; one `listener` each),
 *   use_tls_ssl with tls_type cert|psk, anonymous_access (allow_anonymous only when '1'),
 *   custom_enabled (a hand-written mosquitto.conf instead). Bridges are `config bridge` sections
 *   (client_enabled, remote_addr, remote_port, use_remote_tls), written only when topics exist.
 * - OpenWrt broker: `config owrt` use_uci '1' converts `config mosquitto` (general) and
 *   `config listener` sections; otherwise /etc/mosquitto/mosquitto.conf is used as written.
 * - RMS (Teltonika's cloud management): etc/config/rms_mqtt (RutOS 7) or rms_connect_mqtt (legacy);
 *   the connection is TLS with the device's own certificate by design.
 * - MQTT Publisher (etc/config/mqtt_pub) and the legacy MQTT Gateway for Modbus
 *   (etc/config/modbusgateway, which has no TLS option): clients that carry data off the device.
 *
 * Every broker listener also becomes a Service of kind "mqtt" so the WAN exposure derivation sees it.
 */
import type { BindScope, Facts, MqttEndpoint, PortRange, UciRef } from "../../facts/model.js";
import { parseListen } from "../../facts/ports.js";
import { type ConfigOrigin, type Fact, known, unknown } from "../../facts/value.js";
import { bool, int, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";
import { presence } from "./presence.js";

const NOT_DERIVED = unknown("firewall not evaluated yet");

function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  return h === "localhost" || h.startsWith("127.") || h === "::1";
}

/** A UCI boolean with its default; a non-boolean value is unknown. */
function boolFact(
  ctx: RouterContext,
  pkg: UciPackage,
  s: UciSection,
  name: string,
  dflt: boolean,
): Fact<boolean> {
  const v = bool(s, name);
  if (v !== undefined) return known(v, ctx.origin(pkg, s, name));
  if (s.options.has(name))
    return unknown(`option ${name} '${str(s, name)}' is not a boolean`, ctx.origin(pkg, s, name));
  return known(dflt, ctx.implied(pkg, s, name, dflt ? "1" : "0"));
}

interface Listener {
  id: string;
  label: string;
  port: number;
  bind: BindScope;
  tls: Fact<boolean>;
  at: ConfigOrigin[];
  cfg?: UciRef;
  pkg?: UciPackage;
  section?: UciSection;
}

function pushBroker(
  facts: Facts,
  endpoints: MqttEndpoint[],
  l: Listener,
  enabled: Fact<boolean>,
  anonymous: Fact<boolean>,
): void {
  const ports: PortRange[] = [
    { from: l.port, to: l.port, transport: l.tls.known && l.tls.value ? "tls" : "tcp" },
  ];
  endpoints.push({
    name: l.label,
    role: "broker",
    purpose: "broker",
    enabled: enabled.known ? enabled.value : true,
    tls: l.tls,
    anonymous,
    port: l.port,
    at: [...enabled.at, ...l.at],
    cfg: l.cfg,
  });
  facts.services.push({
    id: l.id,
    kind: "mqtt",
    label: l.label,
    admin: false,
    enabled,
    ports: known(ports, ...l.at),
    bind: known(l.bind, ...l.at),
    tls: l.tls,
    auth: { anonymous },
    wan: NOT_DERIVED,
    cfg: l.cfg,
  });
}

function rutosBroker(
  ctx: RouterContext,
  facts: Facts,
  pkg: UciPackage,
  s: UciSection,
  out: MqttEndpoint[],
): void {
  const enabled = boolFact(ctx, pkg, s, "enabled", false);
  const custom = bool(s, "custom_enabled") === true;
  const customWhy = "the broker runs a custom configuration file (custom_enabled '1')";
  const tls: Fact<boolean> = custom
    ? unknown(customWhy, ctx.origin(pkg, s, "custom_enabled"))
    : boolFact(ctx, pkg, s, "use_tls_ssl", false);
  const anonymous: Fact<boolean> = custom
    ? unknown(customWhy, ctx.origin(pkg, s, "custom_enabled"))
    : known(bool(s, "anonymous_access") === true, ctx.originOr(pkg, s, "anonymous_access", "0"));
  const ports = list(s, "local_port")
    .map((p) => Number.parseInt(p, 10))
    .filter((p) => p > 0 && p < 65536);
  const portOrigin = ctx.originOr(pkg, s, "local_port", "1883 (mosquitto's default listener)");
  for (const [i, port] of (ports.length ? ports : [1883]).entries()) {
    pushBroker(
      facts,
      out,
      {
        id: i === 0 ? "mqtt-broker" : `mqtt-broker-${port}`,
        label: `MQTT broker (mosquitto), port ${port}`,
        port,
        bind: "any",
        tls,
        at: [portOrigin],
        cfg: ctx.ref(pkg, s),
      },
      enabled,
      anonymous,
    );
  }
  // Bridges are written only when the broker runs and at least one topic is configured.
  const topics = sectionsOfType(pkg, "topic").length > 0;
  for (const b of sectionsOfType(pkg, "bridge")) {
    const name = str(b, "connection_name") ?? b.name ?? b.ref;
    const on = bool(b, "client_enabled") === true && topics && enabled.known && enabled.value;
    out.push({
      name: `MQTT bridge '${name}'${str(b, "remote_addr") ? ` to ${str(b, "remote_addr")}` : ""}`,
      role: "bridge",
      purpose: "bridge",
      enabled: on,
      tls: boolFact(ctx, pkg, b, "use_remote_tls", false),
      port: int(b, "remote_port"),
      at: [ctx.originOr(pkg, b, "client_enabled", "0")],
      cfg: ctx.ref(pkg, b),
    });
  }
}

/** OpenWrt's init script starts mosquitto at boot once installed, unless it was disabled. */
function openwrtEnabled(ctx: RouterContext, pkg: UciPackage): Fact<boolean> {
  const rc = ctx.tree.list("etc/rc.d");
  if (rc.length > 0) {
    const link = rc.find((n) => /^S\d+mosquitto$/.test(n));
    return known(link !== undefined, {
      kind: "config",
      file: ctx.tree.display(`etc/rc.d/${link ?? "S80mosquitto"}`),
      excerpt: link ? "enabled at boot" : "no start link: disabled at boot",
    });
  }
  return known(true, {
    kind: "config",
    file: pkg.file,
    excerpt: "mosquitto installed: started at boot unless disabled",
    implied: true,
  });
}

function bindOf(address: string, port: number): BindScope {
  const spec = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
  return parseListen(spec)?.bind ?? "specific";
}

/** The listeners of a mosquitto.conf, and whether anonymous clients are allowed. */
function parseMosquittoConf(
  text: string,
  file: string,
): { listeners: Listener[]; anonymous: Fact<boolean> } {
  const listeners: Listener[] = [];
  let current = undefined as Listener | undefined;
  let defaultPort: { port: number; line: number; text: string } | undefined;
  let defaultTls = false;
  let bindAddress: string | undefined;
  let anonymous: Fact<boolean> = known(false, {
    kind: "config",
    file,
    excerpt: "allow_anonymous not set: mosquitto 2.x refuses anonymous clients",
    implied: true,
  });
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const [key, ...rest] = line.split(/\s+/);
    const at: ConfigOrigin = { kind: "config", file, line: i + 1, excerpt: line };
    switch (key) {
      case "listener": {
        const port = Number.parseInt(rest[0] ?? "", 10);
        if (!(port > 0 && port < 65536)) return;
        current = {
          id: `mqtt-broker-${port}`,
          label: `MQTT broker (mosquitto), port ${port}`,
          port,
          bind: rest[1] ? bindOf(rest[1], port) : "any",
          tls: known(false, at),
          at: [at],
        };
        listeners.push(current);
        return;
      }
      case "port": {
        const port = Number.parseInt(rest[0] ?? "", 10);
        if (port > 0 && port < 65536) defaultPort = { port, line: i + 1, text: line };
        return;
      }
      case "bind_address":
        bindAddress = rest[0];
        return;
      case "certfile":
      case "psk_hint":
        if (current) current.tls = known(true, at);
        else defaultTls = true;
        return;
      case "allow_anonymous":
        anonymous = known(/^true$/i.test(rest[0] ?? ""), at);
        return;
    }
  });
  if (defaultPort || listeners.length === 0) {
    const port = defaultPort?.port ?? 1883;
    const at: ConfigOrigin = defaultPort
      ? { kind: "config", file, line: defaultPort.line, excerpt: defaultPort.text }
      : {
          kind: "config",
          file,
          excerpt: "no listener: mosquitto 2.x listens on localhost:1883 only",
          implied: true,
        };
    listeners.unshift({
      id: "mqtt-broker",
      label: `MQTT broker (mosquitto), port ${port}`,
      port,
      bind: defaultPort ? (bindAddress ? bindOf(bindAddress, port) : "any") : "loopback",
      tls: known(defaultTls, at),
      at: [at],
    });
  }
  return { listeners, anonymous };
}

function openwrtBroker(
  ctx: RouterContext,
  facts: Facts,
  pkg: UciPackage,
  owrt: UciSection,
  out: MqttEndpoint[],
): void {
  const enabled = openwrtEnabled(ctx, pkg);
  if (bool(owrt, "use_uci") === true) {
    const general = sectionsOfType(pkg, "mosquitto")[0];
    const anonymous: Fact<boolean> =
      general && bool(general, "allow_anonymous") !== undefined
        ? known(
            bool(general, "allow_anonymous") === true,
            ctx.origin(pkg, general, "allow_anonymous"),
          )
        : known(false, {
            kind: "config",
            file: pkg.file,
            excerpt: "allow_anonymous not set: mosquitto 2.x refuses anonymous clients",
            implied: true,
          });
    const listeners: Listener[] = [];
    if (general && int(general, "port") !== undefined) {
      const port = int(general, "port") as number;
      listeners.push({
        id: "mqtt-broker",
        label: `MQTT broker (mosquitto), port ${port}`,
        port,
        bind: bool(general, "no_remote_access") === true ? "loopback" : "any",
        tls: known(false, ctx.origin(pkg, general, "port")),
        at: [ctx.origin(pkg, general, "port")],
        cfg: ctx.ref(pkg, general),
      });
    }
    for (const l of sectionsOfType(pkg, "listener")) {
      const port = int(l, "port");
      if (port === undefined) continue;
      listeners.push({
        id: listeners.length === 0 ? "mqtt-broker" : `mqtt-broker-${port}`,
        label: `MQTT broker (mosquitto), port ${port}`,
        port,
        bind: bool(l, "no_remote_access") === true ? "loopback" : "any",
        tls: known(
          l.options.has("certfile") || l.options.has("psk_hint"),
          ctx.originOr(pkg, l, "certfile", "none"),
        ),
        at: [ctx.origin(pkg, l, "port")],
        cfg: ctx.ref(pkg, l),
      });
    }
    if (listeners.length === 0)
      listeners.push({
        id: "mqtt-broker",
        label: "MQTT broker (mosquitto), port 1883",
        port: 1883,
        bind: "loopback",
        tls: known(false, ctx.origin(pkg, owrt)),
        at: [
          {
            ...ctx.origin(pkg, owrt),
            excerpt: "no listener: mosquitto 2.x listens on localhost:1883 only",
            implied: true,
          },
        ],
      });
    for (const l of listeners) pushBroker(facts, out, l, enabled, anonymous);
    return;
  }
  const conf = ctx.readFile("etc/mosquitto/mosquitto.conf", "mosquitto");
  if (!conf) {
    const why = "use_uci is off and etc/mosquitto/mosquitto.conf is not in the input";
    pushBroker(
      facts,
      out,
      {
        id: "mqtt-broker",
        label: "MQTT broker (mosquitto)",
        port: 1883,
        bind: "any",
        tls: unknown(why, ctx.origin(pkg, owrt)),
        at: [ctx.originOr(pkg, owrt, "use_uci", "0")],
      },
      enabled,
      unknown(why, ctx.origin(pkg, owrt)),
    );
    return;
  }
  const parsed = parseMosquittoConf(conf.text, conf.file);
  for (const l of parsed.listeners) pushBroker(facts, out, l, enabled, parsed.anonymous);
}

function rmsClient(ctx: RouterContext, out: MqttEndpoint[]): void {
  for (const name of ["rms_mqtt", "rms_connect_mqtt"]) {
    const pkg = ctx.pkg(name);
    for (const s of sectionsOfType(pkg, name)) {
      if (!pkg) continue;
      const tlsAt: ConfigOrigin = {
        ...ctx.origin(pkg, s),
        excerpt: `${ctx.origin(pkg, s).excerpt}: RMS management connection, TLS with the device certificate by design`,
        implied: true,
      };
      out.push({
        name: `RMS management connection${str(s, "remote") ? ` to ${str(s, "remote")}` : ""}`,
        role: "client",
        purpose: "rms",
        enabled: bool(s, "enable") ?? bool(s, "enabled") ?? true,
        tls: known(true, tlsAt),
        port: int(s, "port"),
        at: [ctx.originOr(pkg, s, s.options.has("enabled") ? "enabled" : "enable", "1")],
        cfg: ctx.ref(pkg, s),
      });
    }
  }
}

function dataClients(ctx: RouterContext, out: MqttEndpoint[]): void {
  const pub = ctx.pkg("mqtt_pub");
  for (const s of sectionsOfType(pub, "mqtt_pub")) {
    if (!pub) continue;
    const host = str(s, "remote_addr");
    if (isLoopbackHost(host)) continue; // stays on the device: the local broker's own endpoint covers it
    out.push({
      name: `MQTT Publisher${host ? ` to ${host}` : ""}`,
      role: "client",
      purpose: "data",
      enabled: bool(s, "enabled") === true,
      tls: boolFact(ctx, pub, s, "tls", false),
      port: int(s, "remote_port"),
      at: [ctx.originOr(pub, s, "enabled", "0")],
      cfg: ctx.ref(pub, s),
    });
  }
  const gw = ctx.pkg("modbusgateway");
  for (const s of sectionsOfType(gw, "gateway")) {
    if (!gw) continue;
    const host = str(s, "host") ?? "127.0.0.1";
    if (isLoopbackHost(host)) continue;
    out.push({
      name: `MQTT Gateway (Modbus) to ${host}`,
      role: "client",
      purpose: "modbus",
      enabled: bool(s, "enabled") === true,
      tls: s.options.has("tls")
        ? boolFact(ctx, gw, s, "tls", false)
        : known(false, {
            ...ctx.origin(gw, s),
            excerpt: "no TLS option: the MQTT Gateway connects in plain MQTT",
            implied: true,
          }),
      port: int(s, "port") ?? 1883,
      at: [ctx.originOr(gw, s, "enabled", "0"), ctx.originOr(gw, s, "host", "127.0.0.1")],
      cfg: ctx.ref(gw, s),
    });
  }
}

export function extractMqtt(ctx: RouterContext, facts: Facts): void {
  const p = presence(ctx, "mosquitto", "no MQTT broker installed");
  if (p.state === "unknown") {
    facts.mqtt = unknown(p.reason);
    return;
  }
  const endpoints: MqttEndpoint[] = [];
  const at: ConfigOrigin[] = [];
  if (p.state === "present") {
    at.push({ kind: "config", file: p.pkg.file });
    const rut = sectionsOfType(p.pkg, "mqtt")[0];
    const owrt = sectionsOfType(p.pkg, "owrt")[0];
    if (rut) rutosBroker(ctx, facts, p.pkg, rut, endpoints);
    else if (owrt) openwrtBroker(ctx, facts, p.pkg, owrt, endpoints);
  } else at.push(p.origin);
  rmsClient(ctx, endpoints);
  dataClients(ctx, endpoints);
  facts.mqtt = known(endpoints, ...at);
}
