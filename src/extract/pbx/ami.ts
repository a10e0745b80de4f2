import { bindScopeOf, splitHostPort } from "../../facts/address.js";
import type { AsteriskRef, Facts, PasswordFacts, PortRange, Service } from "../../facts/model.js";
import type { AmiFacts, AmiUser } from "../../facts/pbx.js";
import { type ConfigOrigin, type Fact, known, type Origin, unknown } from "../../facts/value.js";
import { getEntry, sectionsNamed } from "../../parsers/asterisk/index.js";
import type {
  AsteriskConfig,
  AsteriskEntry,
  AsteriskSection,
} from "../../parsers/asterisk/types.js";
import { ASTERISK_DIR, type AsteriskContext } from "./context.js";

const AMI_PORT = 5038;
const AMI_TLS_PORT = 5039;

/** ast_true(): what Asterisk reads as "yes". */
export function astTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|y|t|1|on)$/i.test(value.trim());
}

/** The Asterisk configuration directory looks whole (not a few files copied out of it). */
export function asteriskDirComplete(ctx: AsteriskContext): boolean {
  const files = ctx.tree.list(ASTERISK_DIR);
  return files.includes("asterisk.conf") || files.includes("modules.conf");
}

/** The origin of a file that is absent from a complete configuration directory. */
export function absentOrigin(ctx: AsteriskContext, name: string, meaning: string): ConfigOrigin {
  return {
    kind: "config",
    file: ctx.tree.display(`${ASTERISK_DIR}/${name}`),
    excerpt: `no ${name} in the Asterisk configuration directory: ${meaning}`,
    implied: true,
  };
}

/** The first non-template section of that name, as ast_variable_browse() finds it. */
export function firstSection(config: AsteriskConfig, name: string): AsteriskSection | undefined {
  return sectionsNamed(config, name)[0];
}

/** A reference for a fix in a section that may not exist yet (it is then added to the top file). */
export function sectionRef(
  ctx: AsteriskContext,
  config: AsteriskConfig,
  section: AsteriskSection | undefined,
  name: string,
): AsteriskRef {
  return section
    ? ctx.ref(section)
    : { language: "asterisk", file: ctx.tree.display(config.file), section: name };
}

/** An option with its default: the value and where it was written (or implied). */
export function option(
  ctx: AsteriskContext,
  config: AsteriskConfig,
  section: AsteriskSection | undefined,
  key: string,
  fallback: string,
  sectionName = "general",
): { value: string; origin: ConfigOrigin; set: boolean } {
  const entry = section ? getEntry(section, key) : undefined;
  if (entry) return { value: entry.value, origin: ctx.entryOrigin(entry), set: true };
  const origin: ConfigOrigin = section
    ? ctx.implied(section, key, fallback)
    : {
        kind: "config",
        file: ctx.tree.display(config.file),
        excerpt: `no [${sectionName}] section: ${key} defaults to ${fallback}`,
        implied: true,
      };
  return { value: fallback, origin, set: false };
}

/** A port option: a number from 1 to 65535, otherwise the default. */
export function portOf(value: string, fallback: number): number {
  const n = Number(value.trim());
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : fallback;
}

const tcp = (port: number): PortRange => ({ from: port, to: port, transport: "tcp" });

/** ACL entries as ast_append_ha() reads them: each option may hold a comma-separated list. */
export function aclEntries(values: string[]): string[] {
  return values.flatMap((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/**
 * A section's permit/deny entries, with `acl = name` resolved through acl.conf. A named ACL that
 * does not exist makes Asterisk deny every address (the ACL is marked invalid), so it is recorded
 * as a deny of everything, with its line as evidence.
 */
export function sectionAcl(
  ctx: AsteriskContext,
  section: AsteriskSection,
): { permit: string[]; deny: string[]; at: Origin[] } {
  const permit: string[] = [];
  const deny: string[] = [];
  const at: Origin[] = [];
  const acl = ctx.asterisk("acl.conf");
  for (const e of section.entries) {
    const key = e.key.toLowerCase();
    if (key === "permit" || key === "deny") {
      (key === "permit" ? permit : deny).push(...aclEntries([e.value]));
      at.push(ctx.entryOrigin(e));
    } else if (key === "acl") {
      at.push(ctx.entryOrigin(e));
      const named = acl ? firstSection(acl, e.value.trim()) : undefined;
      if (!named) {
        deny.push("0.0.0.0/0", "::/0");
        continue;
      }
      for (const n of named.entries) {
        const k = n.key.toLowerCase();
        if (k !== "permit" && k !== "deny") continue;
        (k === "permit" ? permit : deny).push(...aclEntries([n.value]));
        at.push(ctx.entryOrigin(n));
      }
    }
  }
  return { permit, deny, at };
}

/** A plaintext secret option reduced to its qualities (noted for reuse across credentials). */
export function secretFacts(
  ctx: AsteriskContext,
  label: string,
  section: AsteriskSection,
  entry: AsteriskEntry | undefined,
  absentMeaning: string,
): Fact<PasswordFacts> {
  if (!entry) {
    return known<PasswordFacts>(
      { state: "locked" },
      { ...ctx.sectionOrigin(section, absentMeaning), implied: true },
    );
  }
  if (entry.value === "") return known<PasswordFacts>({ state: "empty" }, ctx.entryOrigin(entry));
  return known<PasswordFacts>(
    { state: "set", quality: ctx.noteSecret(label, entry.value) },
    ctx.entryOrigin(entry),
  );
}

function classList(section: AsteriskSection, key: string): string[] {
  const entry = getEntry(section, key);
  if (!entry) return [];
  return entry.value
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter(Boolean);
}

function amiUser(ctx: AsteriskContext, section: AsteriskSection): AmiUser {
  const acl = sectionAcl(ctx, section);
  const at: Origin[] = [ctx.sectionOrigin(section, "(AMI user)"), ...acl.at];
  for (const key of ["read", "write"]) {
    const e = getEntry(section, key);
    if (e) at.push(ctx.entryOrigin(e));
  }
  return {
    name: section.name,
    password: secretFacts(
      ctx,
      `AMI user ${section.name}`,
      section,
      getEntry(section, "secret"),
      "has no secret: it cannot log in",
    ),
    permit: acl.permit,
    deny: acl.deny,
    read: classList(section, "read"),
    write: classList(section, "write"),
    at,
    cfg: ctx.ref(section),
  };
}

export function extractAmi(ctx: AsteriskContext, facts: Facts): void {
  const config = ctx.asterisk("manager.conf");
  if (!config) {
    if (asteriskDirComplete(ctx)) {
      facts.pbx.ami = known<AmiFacts>(
        {
          enabled: false,
          bindAddress: "0.0.0.0",
          port: AMI_PORT,
          tls: false,
          users: [],
          at: [absentOrigin(ctx, "manager.conf", "AMI does not start")],
        },
        absentOrigin(ctx, "manager.conf", "AMI does not start"),
      );
    } else facts.pbx.ami = unknown(ctx.whyUnknown("manager.conf"));
    return;
  }
  const general = firstSection(config, "general");
  const enabled = option(ctx, config, general, "enabled", "no");
  const bind = option(ctx, config, general, "bindaddr", "0.0.0.0");
  const port = option(ctx, config, general, "port", String(AMI_PORT));
  const tlsKey = general && !getEntry(general, "tlsenable") && getEntry(general, "sslenable");
  const tls = option(ctx, config, general, tlsKey ? "sslenable" : "tlsenable", "no");
  const tlsBindKey =
    general && !getEntry(general, "tlsbindaddr") && getEntry(general, "sslbindaddr")
      ? "sslbindaddr"
      : "tlsbindaddr";
  const bindHost = splitHostPort(bind.value).host;
  const tlsBind = option(ctx, config, general, tlsBindKey, `${bindHost}:${AMI_TLS_PORT}`);

  const users = config.sections
    .filter((s) => !s.isTemplate && s.name.toLowerCase() !== "general")
    .map((s) => amiUser(ctx, s));
  const sectionAt = general
    ? ctx.sectionOrigin(general)
    : { kind: "config" as const, file: ctx.tree.display(config.file), excerpt: "no [general]" };
  const on = astTrue(enabled.value);
  const tlsOn = astTrue(tls.value);
  const ami: AmiFacts = {
    enabled: on,
    bindAddress: bindHost,
    port: portOf(port.value, AMI_PORT),
    tls: tlsOn,
    users,
    at: [sectionAt, enabled.origin, bind.origin, port.origin, tls.origin],
  };
  facts.pbx.ami = known(ami, sectionAt, enabled.origin, bind.origin);
  if (!on) return;

  const ref = sectionRef(ctx, config, general, "general");
  const anyDefault = users.some(
    (u) => u.password.known && (u.password.value.quality?.isDefault ?? false),
  );
  const auth: Service["auth"] = {
    password: known(true, sectionAt),
    defaultCredential: known(anyDefault, ...users.flatMap((u) => u.password.at)),
  };
  facts.services.push({
    id: "ami",
    kind: "ami",
    label: "Asterisk Manager Interface (AMI)",
    admin: true,
    enabled: known(true, enabled.origin),
    ports: known([tcp(ami.port)], port.origin),
    bind: known(bindScopeOf(bindHost), bind.origin),
    tls: known(false, tls.origin),
    auth,
    wan: unknown("not derived yet"),
    cfg: ref,
  });
  if (tlsOn) {
    const t = splitHostPort(tlsBind.value);
    facts.services.push({
      id: "ami-tls",
      kind: "ami",
      label: "Asterisk Manager Interface over TLS (AMI)",
      admin: true,
      enabled: known(true, enabled.origin, tls.origin),
      ports: known([tcp(t.port ?? AMI_TLS_PORT)], tlsBind.origin),
      bind: known(bindScopeOf(t.host), tlsBind.origin),
      tls: known(true, tls.origin),
      auth,
      wan: unknown("not derived yet"),
      cfg: ref,
    });
  }
}
