/**
 * What the MQTT rules share: the broker's service (for its WAN exposure), the finding when there
 * is no endpoint to judge, and MQTT facts for their cases.
 */
import type { Facts, MqttEndpoint, Service } from "../../facts/model.js";
import { type Fact, known, type Origin, type ProbeOrigin, unknown } from "../../facts/value.js";
import { asRouter, at, service, tcp, wanFrom } from "../case-kit.js";
import { notApplicable } from "../outcome.js";
import type { Finding } from "../types.js";

export function brokerService(facts: Facts, e: MqttEndpoint): Service | undefined {
  return facts.services.find((s) => s.kind === "mqtt" && s.label === e.name);
}

export function wanExposed(facts: Facts, e: MqttEndpoint): Service | undefined {
  const s = brokerService(facts, e);
  return s?.wan.known && s.wan.value.reachable ? s : undefined;
}

/** Seen by a scan (every origin a probe): there is no configuration line to point a fix at. */
export function fromProbe(origins: readonly Origin[]): boolean {
  return origins.length > 0 && origins.every((o) => o.kind === "probe");
}

/** No endpoint to judge: none answered the scan, or none of `configured` is in the configuration. */
export function noMqtt(mqtt: Fact<MqttEndpoint[]>, configured: string): Finding {
  return notApplicable(
    fromProbe(mqtt.at)
      ? "no MQTT broker answered on the scanned ports"
      : `no ${configured} is configured`,
    mqtt.at,
  );
}

/** The probe origin of a CONNECT without credentials, for the rules' probe cases. */
export function connectProbe(excerpt: string, port = 1883): ProbeOrigin {
  return {
    kind: "probe",
    probe: "mqtt-connect",
    address: "192.0.2.1",
    port,
    transport: "tcp",
    time: "2026-11-21T00:00:00Z",
    excerpt,
  };
}

/** A broker as a scan reports it: no configuration behind it, what it carries unknown. */
export function scannedBroker(port: number, tls: boolean, anonymous: boolean): MqttEndpoint {
  const o = connectProbe(
    `CONNECT without credentials${tls ? " over TLSv1.3" : " in clear"}: CONNACK ${anonymous ? "0 (connection accepted)" : "5 (not authorized)"}`,
    port,
  );
  return {
    name: `MQTT${tls ? " over TLS" : ""} on ${port}/tcp`,
    role: "broker",
    purpose: "unknown",
    enabled: true,
    tls: known(tls, o),
    anonymous: known(anonymous, o),
    port,
    at: [o],
  };
}

/**
 * A broker whose CONNECT got no usable answer (`excerpt`): what it would have decided, its TLS or
 * its anonymous access, stays unknown for `reason`.
 */
export function unansweredBroker(
  port: number,
  tls: boolean,
  undecided: "tls" | "anonymous",
  excerpt: string,
  reason: string,
): MqttEndpoint {
  const o = connectProbe(excerpt, port);
  return { ...scannedBroker(port, tls, false), [undecided]: unknown(reason, o), at: [o] };
}

/** A router whose MQTT endpoints are these, as `origins` (configuration or probes) show them. */
export function withMqtt(f: Facts, endpoints: MqttEndpoint[], ...origins: Origin[]): void {
  asRouter(f);
  f.mqtt = known(endpoints, ...origins);
}

/** A router whose scan saw these brokers, each cited by its own CONNECT. */
export function asScannedBrokers(f: Facts, ...brokers: MqttEndpoint[]): void {
  withMqtt(f, brokers, ...brokers.flatMap((b) => b.at));
}

export function broker(p: Partial<MqttEndpoint> = {}): MqttEndpoint {
  return {
    name: "MQTT broker (mosquitto), port 1883",
    role: "broker",
    purpose: "broker",
    enabled: true,
    tls: known(false, at("option use_tls_ssl '0'")),
    anonymous: known(false, at("option anonymous_access '0'")),
    port: 1883,
    at: [at("config mqtt 'mqtt'")],
    cfg: { language: "uci", package: "mosquitto", section: "mqtt", sectionType: "mqtt" },
    ...p,
  };
}

/** The broker's service as the extractor adds it, reachable from the internet or not. */
export function brokerOnWan(f: Facts, e: MqttEndpoint): void {
  f.services.push(
    service({
      id: "mqtt-broker",
      kind: "mqtt",
      label: e.name,
      admin: false,
      ports: known([tcp(1883)], at("1883")),
      wan: known(wanFrom([], [tcp(1883)]), at("rule 'Allow-MQTT'")),
    }),
  );
}
