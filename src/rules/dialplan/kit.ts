/**
 * What the dial plan rules share: the endpoints behind an inbound context, fix references, and
 * the case builders for their cases (SIP facts and dial plan facts written by hand).
 */
import type { AsteriskRef, Facts, PasswordFacts } from "../../facts/model.js";
import {
  type DialplanFacts,
  type DialplanInclude,
  type DialplanStep,
  GENERATED_CONTEXT,
  type SipDriver,
  type SipEndpoint,
  type SipPeerRole,
  type TollFraudPath,
} from "../../facts/pbx.js";
import { type ConfigOrigin, known, type Origin } from "../../facts/value.js";
import { at } from "../case-kit.js";

export const PJSIP = "case/etc/asterisk/pjsip.conf";
export const EXTENSIONS = "case/etc/asterisk/extensions.conf";

/** Contexts that, by convention, hold the phones' whole class of service. */
export const WELL_KNOWN_INTERNAL = [
  "default",
  "from-internal",
  "from-internal-xfer",
  "from-internal-noxfer",
];

/** The endpoints whose calls land in a context and face the outside. */
export function outsideEndpoints(facts: Facts, context: string): SipEndpoint[] {
  if (!facts.pbx.sip.known) return [];
  return facts.pbx.sip.value.endpoints.filter(
    (e) =>
      (e.context ?? "default") === context &&
      (e.role === "trunk" ||
        e.role === "anonymous" ||
        e.role === "guest" ||
        (e.unauthenticated.known && e.unauthenticated.value)),
  );
}

export function endpointRef(e: SipEndpoint): AsteriskRef {
  if (e.cfg?.language === "asterisk") return e.cfg;
  const file =
    e.driver === "pjsip"
      ? "etc/asterisk/pjsip.conf"
      : e.driver === "iax2"
        ? "etc/asterisk/iax.conf"
        : "etc/asterisk/sip.conf";
  return { language: "asterisk", file, section: e.name.startsWith("(") ? "general" : e.name };
}

/** The file that holds a context, from the evidence of its lines (for a new sibling context). */
export function dialplanFile(origins: readonly Origin[]): string {
  const o = origins.find((x): x is ConfigOrigin => x.kind === "config" && x.line !== undefined);
  return o?.file ?? "etc/asterisk/extensions.conf";
}

/** Contexts phones (extension endpoints) land in, plus the well-known internal names. */
export function internalContexts(facts: Facts): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of WELL_KNOWN_INTERNAL) out.set(name, `the conventional internal context`);
  if (facts.pbx.sip.known) {
    for (const e of facts.pbx.sip.value.endpoints) {
      if (e.role !== "extension") continue;
      const ctx = e.context ?? "default";
      if (!out.has(ctx) || out.get(ctx)?.startsWith("the conventional"))
        out.set(ctx, `the context extension ${e.name} (a phone) lands in`);
    }
  }
  return out;
}

/** The contexts a context includes, directly or through included contexts, with the chain. */
export function includeClosure(
  includes: DialplanInclude[],
  from: string,
): Map<string, DialplanInclude[]> {
  const chains = new Map<string, DialplanInclude[]>([[from, []]]);
  const queue = [from];
  while (queue.length) {
    const cur = queue.shift() as string;
    for (const inc of includes) {
      if (inc.from !== cur || chains.has(inc.to)) continue;
      chains.set(inc.to, [...(chains.get(cur) ?? []), inc]);
      queue.push(inc.to);
    }
  }
  chains.delete(from);
  return chains;
}

// ---------------------------------------------------------------------------------------------
// Case builders

const pw = (): PasswordFacts => ({ state: "set", hash: "unknown" });

export function endpoint(
  name: string,
  role: SipPeerRole,
  context: string,
  driver: SipDriver = "pjsip",
): SipEndpoint {
  return {
    name,
    driver,
    role,
    context,
    usernameIsName: false,
    password: known(pw(), at("password = <secret not shown>", 10, PJSIP)),
    unauthenticated: known(role !== "extension", at(`[${name}]`, 8, PJSIP)),
    acl: { permit: [], deny: [], named: [] },
    transports: [],
    mediaEncryption: "none",
    at: [at(`[${name}]`, 8, PJSIP), at(`context = ${context}`, 9, PJSIP)],
    cfg: { language: "asterisk", file: PJSIP, section: name },
  };
}

export function withSip(f: Facts, endpoints: SipEndpoint[]): void {
  const no = known(false, at("[global]", 1, PJSIP));
  f.pbx.sip = known(
    {
      drivers: ["pjsip"],
      transports: [],
      endpoints,
      policy: { allowGuest: no, autoCreatePeer: no, alwaysAuthReject: no, anonymousEndpoint: no },
    },
    at("pjsip.conf", 1, PJSIP),
  );
}

export function step(context: string, via: string, line: number): DialplanStep {
  return { context, via, at: [at(`exten => ${via}`, line, EXTENSIONS)] };
}

export function tollPath(
  from: string,
  entry: string,
  steps: DialplanStep[],
  trunk: string,
): TollFraudPath {
  const last = steps[steps.length - 1] as DialplanStep;
  return { from, entry, steps, dial: { application: "Dial", trunk, at: last.at } };
}

export function withDialplan(f: Facts, p: Partial<DialplanFacts> = {}): DialplanFacts {
  f.device.class = known("pbx", at("etc/asterisk"));
  const d: DialplanFacts = {
    contexts: [],
    inbound: [],
    tollFraud: [],
    dynamicJumps: [],
    includes: [],
    ...p,
  };
  f.pbx.dialplan = known<DialplanFacts>(d, at("extensions.conf", 1, EXTENSIONS));
  return d;
}

export function include(from: string, to: string, line: number): DialplanInclude {
  return { from, to, at: [at(`include => ${to}`, line, EXTENSIONS)] };
}

/**
 * The dynamic jumps (and generated configuration) that make reachability from an inbound context
 * unknown: generated configuration affects every context; a jump, the inbound context it was
 * reached from.
 */
export function dynamicFor(
  f: DialplanFacts,
  inboundContext: string,
): DialplanFacts["dynamicJumps"] {
  return f.dynamicJumps.filter((d) => d.context === GENERATED_CONTEXT || d.from === inboundContext);
}
