/**
 * Asterisk's built-in HTTP server (http.conf) and the REST interface that rides on it (ari.conf)
 * to facts.pbx.http, and a Service per listener. As main/http.c does: the server is off unless
 * `enabled` is true *and* a `bindaddr` is given (there is no default address); plain HTTP listens
 * on bindaddr:bindport (8088); with `tlsenable`, HTTPS listens on tlsbindaddr (default: bindaddr,
 * port 8089). ARI is on by default once res_ari is loaded (ari.conf `enabled = yes`); its users'
 * passwords are kept in plain text unless `password_format = crypt`.
 */

import { bindScopeOf, splitHostPort } from "../../facts/address.js";
import type { Facts, PasswordFacts, PortRange, Service } from "../../facts/model.js";
import type { AsteriskHttpFacts } from "../../facts/pbx.js";
import { type Fact, known, type Origin, unknown } from "../../facts/value.js";
import { get, getEntry } from "../../parsers/asterisk/index.js";
import type { AsteriskSection } from "../../parsers/asterisk/types.js";
import { hashScheme, isDefaultHash } from "../../secrets/index.js";
import {
  absentOrigin,
  asteriskDirComplete,
  astTrue,
  firstSection,
  option,
  portOf,
  secretFacts,
  sectionRef,
} from "./ami.js";
import type { AsteriskContext } from "./context.js";

const HTTP_PORT = 8088;
const HTTPS_PORT = 8089;

const tcp = (port: number): PortRange => ({ from: port, to: port, transport: "tcp" });

type AriUser = AsteriskHttpFacts["ariUsers"][number];

function ariPassword(ctx: AsteriskContext, section: AsteriskSection, crypt: boolean) {
  const entry = getEntry(section, "password");
  if (!crypt || !entry || entry.value === "") {
    return secretFacts(ctx, `ARI user ${section.name}`, section, entry, "has no password");
  }
  const match = isDefaultHash(entry.value, { username: section.name });
  return known<PasswordFacts>(
    { state: "set", hash: hashScheme(entry.value), isDefault: match !== undefined },
    ctx.entryOrigin(entry),
  );
}

/** ARI: whether it is on, and its users (sections with `type = user`). */
function readAri(ctx: AsteriskContext): { on: Fact<boolean>; users: AriUser[] } {
  const config = ctx.asterisk("ari.conf");
  if (!config) {
    return {
      on: asteriskDirComplete(ctx)
        ? known(false, absentOrigin(ctx, "ari.conf", "ARI has no users and does not start"))
        : unknown(ctx.whyUnknown("ari.conf")),
      users: [],
    };
  }
  const general = firstSection(config, "general");
  const enabled = option(ctx, config, general, "enabled", "yes");
  const users: AriUser[] = [];
  for (const s of config.sections) {
    if (s.isTemplate || (get(s, "type") ?? "").trim().toLowerCase() !== "user") continue;
    const format = option(ctx, config, s, "password_format", "plain", s.name);
    const crypt = format.value.trim().toLowerCase() === "crypt";
    users.push({
      name: s.name,
      passwordFormat: crypt ? "crypt" : "plain",
      password: ariPassword(ctx, s, crypt),
      at: [ctx.sectionOrigin(s, "(ARI user)"), format.origin],
    });
  }
  return { on: known(astTrue(enabled.value), enabled.origin), users };
}

export function extractAsteriskHttp(ctx: AsteriskContext, facts: Facts): void {
  const config = ctx.asterisk("http.conf");
  const ari = readAri(ctx);
  if (!config) {
    if (!asteriskDirComplete(ctx)) {
      facts.pbx.http = unknown(ctx.whyUnknown("http.conf"));
      return;
    }
    const origin = absentOrigin(ctx, "http.conf", "the HTTP server (and so ARI) does not start");
    facts.pbx.http = known<AsteriskHttpFacts>(
      {
        enabled: false,
        bindAddress: "",
        port: HTTP_PORT,
        tlsEnabled: false,
        ariUsers: ari.users,
        at: [origin],
      },
      origin,
    );
    return;
  }
  const general = firstSection(config, "general");
  const enabled = option(ctx, config, general, "enabled", "no");
  const bindEntry = general ? getEntry(general, "bindaddr") : undefined;
  const bindOrigin: Origin = bindEntry
    ? ctx.entryOrigin(bindEntry)
    : general
      ? ctx.implied(general, "bindaddr", "none (the HTTP server does not start)")
      : {
          kind: "config",
          file: ctx.tree.display(config.file),
          excerpt: "no [general]: no bindaddr, the HTTP server does not start",
          implied: true,
        };
  const port = option(ctx, config, general, "bindport", String(HTTP_PORT));
  const tlsKey = general && !getEntry(general, "tlsenable") && getEntry(general, "sslenable");
  const tls = option(ctx, config, general, tlsKey ? "sslenable" : "tlsenable", "no");
  const tlsBindEntry = general
    ? (getEntry(general, "tlsbindaddr") ?? getEntry(general, "sslbindaddr"))
    : undefined;

  const bind = bindEntry ? splitHostPort(bindEntry.value) : undefined;
  const running = astTrue(enabled.value) && bind !== undefined;
  const httpPort = bind?.port ?? portOf(port.value, HTTP_PORT);
  // HTTPS starts with an explicit tlsbindaddr, or on the plain server's address when that runs.
  const tlsBind = tlsBindEntry
    ? splitHostPort(tlsBindEntry.value)
    : running && bind
      ? { host: bind.host, port: HTTPS_PORT }
      : undefined;
  const tlsOn = astTrue(tls.value) && tlsBind !== undefined;
  const tlsBindOrigin: Origin = tlsBindEntry
    ? ctx.entryOrigin(tlsBindEntry)
    : general
      ? ctx.implied(general, "tlsbindaddr", `${bind?.host ?? "bindaddr"}:${HTTPS_PORT}`)
      : bindOrigin;

  const sectionAt: Origin = general
    ? ctx.sectionOrigin(general)
    : { kind: "config", file: ctx.tree.display(config.file), excerpt: "no [general]" };
  const http: AsteriskHttpFacts = {
    enabled: running,
    bindAddress: bind?.host ?? "",
    port: httpPort,
    tlsEnabled: tlsOn,
    tlsPort: tlsOn ? (tlsBind?.port ?? HTTPS_PORT) : undefined,
    ariUsers: ari.users,
    at: [sectionAt, enabled.origin, bindOrigin, port.origin, tls.origin, tlsBindOrigin],
  };
  facts.pbx.http = known(http, sectionAt, enabled.origin, bindOrigin);

  const ariOn = ari.on.known && ari.on.value;
  const kind: Service["kind"] = ariOn ? "ari" : "http";
  const what = ariOn ? "Asterisk HTTP server (ARI)" : "Asterisk HTTP server";
  const ref = sectionRef(ctx, config, general, "general");
  const auth: Service["auth"] = {
    password: known(true, sectionAt),
    defaultCredential: known(
      ari.users.some(
        (u) =>
          u.password.known &&
          (u.password.value.isDefault ?? u.password.value.quality?.isDefault ?? false),
      ),
      ...ari.users.flatMap((u) => u.password.at),
    ),
  };
  if (running && bind) {
    facts.services.push({
      id: "asterisk-http",
      kind,
      label: `${what}, HTTP`,
      admin: true,
      enabled: known(true, enabled.origin, bindOrigin),
      ports: known([tcp(httpPort)], bind.port ? bindOrigin : port.origin),
      bind: known(bindScopeOf(bind.host), bindOrigin),
      tls: known(false, tls.origin),
      auth,
      wan: unknown("not derived yet"),
      cfg: ref,
    });
  }
  if (tlsOn && tlsBind) {
    facts.services.push({
      id: "asterisk-https",
      kind: ariOn ? "ari" : "https",
      label: `${what}, HTTPS`,
      admin: true,
      enabled: known(true, tls.origin),
      ports: known([tcp(tlsBind.port ?? HTTPS_PORT)], tlsBindOrigin),
      bind: known(bindScopeOf(tlsBind.host), tlsBindOrigin),
      tls: known(true, tls.origin),
      auth,
      wan: unknown("not derived yet"),
      cfg: ref,
    });
  }
}
