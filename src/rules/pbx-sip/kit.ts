/**
 * Shared by the SIP/IAX2 rules: reading facts.pbx.sip, naming endpoints, finding the section a
 * fix goes to, and compact builders for the rules' own cases.
 */
import type { AsteriskRef, Facts, PasswordQuality } from "../../facts/model.js";
import type { SipDriver, SipEndpoint, SipFacts, SipPolicy, SipTransport } from "../../facts/pbx.js";
import { type ConfigOrigin, known, type Origin } from "../../facts/value.js";
import { unknownFrom } from "../outcome.js";
import type { Finding } from "../types.js";

/** The SIP facts, or the finding that says why the rule cannot decide. */
export function sipOf(facts: Facts, what: string): SipFacts | Finding[] {
  const sip = facts.pbx.sip;
  if (!sip.known) return [unknownFrom(sip, what)];
  return sip.value;
}

const DRIVER_LABEL: Record<SipDriver, string> = {
  pjsip: "pjsip endpoint",
  chan_sip: "chan_sip peer",
  iax2: "IAX2 user/peer",
};

export function endpointSubject(e: SipEndpoint): string {
  return `${DRIVER_LABEL[e.driver]} '${e.name}'`;
}

export function transportSubject(t: SipTransport): string {
  if (t.driver === "pjsip") return `pjsip transport '${t.name}'`;
  if (t.driver === "chan_sip") return `chan_sip ${t.protocol.toUpperCase()} listener`;
  return `IAX2 listener ${t.bindAddress}`;
}

/** Placeholders the operator replaces: values Bulwark cannot choose (and must not invent). */
export const NEW_PASSWORD = "<new random password, 20+ characters>";
export const NEW_DEVICE_ID = "<random device user name, not the extension number>";
export const LAN_ADDRESS = "<the PBX's LAN/VoIP address>";
export const PHONE_NETWORK = "<phone network/mask, e.g. 192.168.10.0/255.255.255.0>";
export const PROVIDER_ADDRESSES = "<the provider's signalling addresses>";

/** Where the endpoint itself is configured (section and file). */
export function refOf(e: SipEndpoint): AsteriskRef {
  if (e.cfg && e.cfg.language === "asterisk") return e.cfg;
  const file = (e.at[0] as ConfigOrigin | undefined)?.file ?? "pjsip.conf";
  return { language: "asterisk", file, section: e.name };
}

/**
 * Where a pjsip endpoint's inbound credentials are: its first `auth =` object, which the
 * extractor cites as "[name] type = auth" (it may sit in another file than the endpoint).
 * For chan_sip and IAX2 the credentials are in the peer's own section.
 */
export function authRefOf(e: SipEndpoint): AsteriskRef {
  if (e.driver === "pjsip") {
    for (const o of e.at) {
      if (o.kind !== "config" || !o.excerpt) continue;
      const m = /^\[(.+)\] type = auth$/.exec(o.excerpt);
      if (m?.[1]) return { language: "asterisk", file: o.file, section: m[1] };
    }
  }
  return refOf(e);
}

/** The type=identify section that matches a pjsip trunk by address, when the extractor cited one. */
export function identifyRefOf(e: SipEndpoint): AsteriskRef | undefined {
  for (const o of e.at) {
    if (o.kind !== "config" || !o.excerpt) continue;
    const m = /^\[(.+)\] type = identify\b/.exec(o.excerpt);
    if (m?.[1]) return { language: "asterisk", file: o.file, section: m[1] };
  }
  return undefined;
}

/** The option that holds the inbound password, per driver. */
export function passwordOption(e: SipEndpoint): string {
  return e.driver === "pjsip" ? "password" : "secret";
}

/** The section that holds global listener settings for a transport. */
export function transportRef(t: SipTransport): AsteriskRef {
  if (t.cfg && t.cfg.language === "asterisk") return t.cfg;
  const file = (t.at[0] as ConfigOrigin | undefined)?.file ?? "pjsip.conf";
  return { language: "asterisk", file, section: t.driver === "pjsip" ? t.name : "general" };
}

export function sipTransports(sip: SipFacts): SipTransport[] {
  return sip.transports.filter((t) => t.driver !== "iax2");
}

export function evidence(...groups: (readonly Origin[] | undefined)[]): Origin[] {
  return groups.flatMap((g) => (g ? [...g] : []));
}

// ---------------------------------------------------------------------------------------------
// Case builders

const PJSIP = "case/etc/asterisk/pjsip.conf";

export function at(excerpt: string, line = 1, file = PJSIP): ConfigOrigin {
  return { kind: "config", file, line, excerpt };
}

export function asPbx(f: Facts): void {
  f.device.class = known("pbx", at("Asterisk configuration directory"));
  f.device.platform = known("asterisk", at("Asterisk configuration directory"));
}

export function quality(
  length: number,
  strength: PasswordQuality["strength"],
  extra: Partial<PasswordQuality> = {},
): PasswordQuality {
  return {
    length,
    lower: true,
    upper: true,
    digit: true,
    symbol: length > 15,
    strength,
    isDefault: false,
    reusedWith: [],
    ...extra,
  };
}

export const STRONG = quality(24, 4);

export function endpoint(p: Partial<SipEndpoint> & Pick<SipEndpoint, "name">): SipEndpoint {
  const driver = p.driver ?? "pjsip";
  const file =
    driver === "pjsip"
      ? PJSIP
      : driver === "chan_sip"
        ? "case/etc/asterisk/sip.conf"
        : "case/etc/asterisk/iax.conf";
  return {
    driver,
    role: "extension",
    context: "from-internal",
    authUsername: `dev-${p.name}-x7`,
    usernameIsName: false,
    password: known(
      { state: "set", quality: STRONG },
      at("password = <secret not shown>", 3, file),
    ),
    unauthenticated: known(false, at(`auth = ${p.name}`, 2, file)),
    acl: { permit: [], deny: [], named: [] },
    transports: [],
    mediaEncryption: "none",
    at: [at(`[${p.name}] type = endpoint`, 1, file), at(`[${p.name}] type = auth`, 10, file)],
    cfg: { language: "asterisk", file, section: p.name },
    ...p,
  };
}

export function transport(p: Partial<SipTransport> & Pick<SipTransport, "name">): SipTransport {
  const driver = p.driver ?? "pjsip";
  return {
    driver,
    protocol: "udp",
    bindAddress: "0.0.0.0",
    port: 5060,
    bind: "any",
    at: [at(`[${p.name}] type = transport`), at("bind = 0.0.0.0", 3)],
    cfg: { language: "asterisk", file: PJSIP, section: p.name },
    ...p,
  };
}

export function policy(p: Partial<SipPolicy> = {}): SipPolicy {
  return {
    allowGuest: known(false, at("no sip.conf", 0, "case/etc/asterisk/sip.conf")),
    autoCreatePeer: known(false, at("no sip.conf", 0, "case/etc/asterisk/sip.conf")),
    alwaysAuthReject: known(true, at("res_pjsip always challenges unknown users")),
    anonymousEndpoint: known(false, at("no endpoint named 'anonymous'")),
    ...p,
  };
}

export function withSip(
  f: Facts,
  p: {
    drivers?: SipDriver[];
    transports?: SipTransport[];
    endpoints?: SipEndpoint[];
    policy?: SipPolicy;
  },
): void {
  asPbx(f);
  const transports = p.transports ?? [transport({ name: "transport-udp" })];
  f.pbx.sip = known(
    {
      drivers: p.drivers ?? [...new Set(transports.map((t) => t.driver))],
      transports,
      endpoints: p.endpoints ?? [],
      policy: p.policy ?? policy(),
    },
    at("pjsip.conf present", 0),
  );
}
