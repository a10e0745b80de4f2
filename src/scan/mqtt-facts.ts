/**
 * MQTT over the network, as Facts. The Service the TCP stage made for each MQTT port gets what the
 * CONNECT probe saw (TLS or not, anonymous access or not), and facts.mqtt gets one broker endpoint
 * per port: the same shape the configuration extractor produces (src/extract/router/mqtt.ts, which
 * also pairs each broker listener with a Service of the same label). So the MQTT rules judge a
 * scanned broker and a configured one by one code path, and still find the broker's Service (by
 * its label) for its WAN exposure. Only what a CONNACK decided becomes known.
 */
import type { Facts, MqttEndpoint } from "../facts/model.js";
import { type Fact, known, type ProbeOrigin, unknown } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import { CONNACK_CODES, type MqttResult } from "./probes/mqtt.js";
import type { TcpResult } from "./probes/tcp.js";
import { serviceOnPort, setKind } from "./service-on-port.js";

/** Ports probed as MQTT by default: 1883 in clear, 8883 over TLS. */
export const MQTT_PORTS = [1883, 8883];

/** One line saying what the CONNECT without credentials got. */
export function describeMqtt(r: MqttResult): string {
  const over =
    r.transport === "tls"
      ? ` over ${r.tls?.version ?? "TLS"}`
      : r.tlsError
        ? ` in clear (TLS failed: ${r.tlsError})`
        : " in clear";
  if (r.state === "mqtt" && r.returnCode !== undefined)
    return `CONNECT without credentials${over}: CONNACK ${r.returnCode} (${CONNACK_CODES[r.returnCode]})`;
  return `CONNECT without credentials${over}: ${r.state}${r.error ? ` (${r.error})` : ""}`;
}

function tlsFact(r: MqttResult, o: ProbeOrigin): Fact<boolean> {
  if (r.state === "mqtt") return known(r.transport === "tls", o);
  // The handshake completed even though no CONNACK followed: the listener speaks TLS.
  if (r.transport === "tls" && r.tls) return known(true, o);
  if (r.state === "tls-failed")
    return unknown(`the TLS handshake failed (${r.error}) and plain MQTT did not answer either`, o);
  return unknown(`no MQTT answer on ${r.port}/tcp (${r.error ?? r.state})`, o);
}

function anonymousFact(r: MqttResult, o: ProbeOrigin): Fact<boolean> {
  if (r.state === "mqtt" && r.returnCode !== undefined) {
    if (r.access === "anonymous") return known(true, o);
    if (r.access === "credentials-required") return known(false, o);
    return unknown(
      `CONNACK ${r.returnCode} (${CONNACK_CODES[r.returnCode]}) says nothing about credentials`,
      o,
    );
  }
  return unknown(
    `no CONNACK on ${r.port}/tcp (${r.error ?? r.state}): cannot tell whether the broker needs credentials`,
    o,
  );
}

/**
 * Enriches the MQTT ports' Services and sets facts.mqtt, when the scan looked at an MQTT port
 * (`mqttPorts`, among the TCP results); otherwise leaves facts.mqtt as it was.
 */
export function fillMqttFacts(
  f: Facts,
  scans: MqttResult[],
  tcp: TcpResult[],
  mqttPorts: ReadonlySet<number>,
  address: string,
): void {
  const probed = tcp.filter((t) => mqttPorts.has(t.port));
  if (probed.length === 0) return;
  const endpoints: MqttEndpoint[] = [];
  const at: ProbeOrigin[] = [];
  for (const r of [...scans].sort((a, b) => a.port - b.port)) {
    const o = portOrigin("mqtt-connect", address, r.port, r.time, describeMqtt(r));
    const svc = serviceOnPort(f, r.port);
    if (r.state === "closed") continue;
    if (r.state === "not-mqtt") {
      // The port number suggested MQTT; what came back says otherwise.
      if (svc?.kind === "mqtt") {
        setKind(svc, "other", r.port);
        svc.label = `TCP service on ${r.port}/tcp`;
      }
      f.diagnostics.push({
        severity: "info",
        file: `${address}:${r.port}/tcp`,
        message: `not MQTT: ${r.error ?? "unexpected answer"}${r.received ? ` (${r.received})` : ""}`,
      });
      continue;
    }
    const tls = tlsFact(r, o);
    const anonymous = anonymousFact(r, o);
    if (svc) {
      if (r.state === "mqtt") {
        setKind(svc, "mqtt", r.port);
        svc.label = `MQTT${r.transport === "tls" ? " over TLS" : ""} on ${r.port}/tcp`;
        svc.ports = known(
          [{ from: r.port, to: r.port, transport: r.transport === "tls" ? "tls" : "tcp" }],
          ...svc.ports.at,
          o,
        );
      }
      // What the MQTT exchange showed replaces the TCP stage's guess from the port number.
      if (svc.kind === "mqtt") svc.tls = tls;
      svc.auth.anonymous = anonymous;
    }
    at.push(o);
    endpoints.push({
      name: svc?.label ?? `MQTT on ${r.port}/tcp`,
      role: "broker",
      // What a broker carries cannot be seen without subscribing, which the probe never does.
      purpose: "unknown",
      enabled: true,
      tls,
      anonymous,
      port: r.port,
      at: [o],
    });
  }
  const tcpAt = probed.map((t) =>
    portOrigin("tcp-connect", address, t.port, t.time, `${t.port}/tcp ${t.state}`),
  );
  if (endpoints.length > 0) {
    f.mqtt = known(endpoints, ...at);
    return;
  }
  const silent = probed.filter((t) => t.state === "no-answer" || t.state === "error");
  f.mqtt =
    silent.length > 0
      ? unknown(
          `${silent.map((t) => `${t.port}/tcp`).join(", ")} did not answer (filtered, or the host is down): a broker there cannot be ruled out`,
          ...tcpAt,
        )
      : known([], ...tcpAt);
}
