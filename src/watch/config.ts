/**
 * The configuration of `bulwark watch`: a YAML file validated with zod, an existing fail2ban
 * configuration imported as it is (`--fail2ban /etc/fail2ban`), and the command line's overrides.
 *
 * ```yaml
 * action: dry-run            # the default: decisions are printed, nothing is blocked
 * # action: { type: nftables, table: bulwark, hooks: [input] }
 * state: /var/lib/bulwark/watch.db
 * timezone: Europe/Zurich    # of log timestamps without a zone
 * protect: [192.0.2.10]      # never banned, whatever a jail says
 * fail2ban: /etc/fail2ban    # also run the enabled jails of this fail2ban configuration
 * syslog: [udp://0.0.0.0:514, tcp://0.0.0.0:514]
 * alerts:
 *   webhook: { url: https://chat.example/hook, format: slack }
 *   email:
 *     host: smtp.example.org
 *     requireTLS: true
 *     from: bulwark@example.org
 *     to: admin@example.org
 *     # the login is read from BULWARK_SMTP_USER / BULWARK_SMTP_PASSWORD (userEnv/passwordEnv)
 * defaults: { maxretry: 5, findtime: 10m, bantime: 1h, increment: true }
 * jails:
 *   sshd:
 *     filter: sshd                       # a built-in detector or a fail2ban filter.d file
 *     logpath: /var/log/auth.log
 *   dropbear:
 *     filter: /etc/fail2ban/filter.d/dropbear.conf
 *     syslog: true                       # lines the routers send to the syslog listeners
 *   asterisk:
 *     filter: asterisk
 *     journal: true                      # the journal, with the filter's journalmatch
 * ```
 *
 * Durations are seconds or fail2ban's time words (`10m`, `1h`, `1d`, `1w`); `bantime: -1` bans
 * for ever. Secrets never live in this file: an SMTP password and webhook header values come from
 * environment variables only, and a `password` key is refused.
 *
 * The action defaults to `dry-run`, whoever runs it and whatever is installed: a watcher never
 * blocks anybody unless the configuration (`action:`) or the command line (`--action`) says so.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document as YamlDocument,
} from "yaml";
import { z } from "zod";
import type { FilterDefinition } from "../parsers/fail2ban/filter.js";
import { loadJails } from "../parsers/fail2ban/jails.js";
import { parseDuration } from "../parsers/fail2ban/options.js";
import { InputError } from "../sources/input-error.js";
import type { ChannelPolicy } from "./alerts/dispatcher.js";
import type { EmailOptions } from "./alerts/email.js";
import type { AlertSeverity } from "./alerts/types.js";
import type { WebhookOptions } from "./alerts/webhook.js";
import { splitJournalMatch } from "./inputs/journal.js";
import type { ActionKind, JailPorts } from "./jails/actions/index.js";
import { jailSpecFromResolved } from "./jails/config.js";
import type { JailSpec } from "./jails/engine.js";
import type { BantimeIncrement } from "./jails/increment.js";

export const ACTION_KINDS = [
  "dry-run",
  "nftables",
  "ipset",
  "iptables",
  "fail2ban-client",
] as const satisfies readonly ActionKind[];

/** A file a jail reads. */
export interface WatchLogPath {
  /** A path, or a glob pattern (`*`, `?`, `[...]`) expanded when the watcher starts. */
  path: string;
  /** Read what the file holds already (fail2ban's `head`), not only what is written from now on. */
  fromStart: boolean;
  /**
   * The program whose own log this is, for lines without a syslog header (OpenSSH's
   * `sshd -E FILE` writes bare messages): each line is read as `IDENT: line`, dated when read.
   */
  ident?: string;
}

export interface WatchJailConfig {
  name: string;
  /** A built-in detector's name or a fail2ban filter file (its path). */
  filter: string;
  /** The filter already read (fail2ban import: with the jail's parameters and overrides). */
  filterDefinition?: FilterDefinition;
  /** fail2ban's `mode` parameter, and further filter parameters. */
  mode?: string;
  set?: Record<string, string>;
  /** `journal` for journal messages; default: the filter's (file). */
  logtype?: string;
  /** Zone of timestamps without one (default: the configuration's, else the machine's). */
  timezone?: string;
  logpath: WatchLogPath[];
  /** Read the systemd journal; `matches` undefined: the filter's `journalmatch`. */
  journal?: { matches?: string[] };
  /** Read the lines received by the syslog listeners (from these senders only, if given). */
  syslog?: { senders?: string[] };
  /** What the jail engine needs (name, maxretry, findtime, bantime, increment, ignoreip...). */
  spec: Omit<JailSpec, "actions">;
  /** This jail's action, instead of the configuration's. */
  action?: ActionKind;
  /** The ports a firewall ban applies to (default: all traffic from the address). */
  ports?: JailPorts;
  /** Where the jail is defined (errors name it). */
  at: { file: string; line: number };
  /** Imported from fail2ban: a jail that cannot run is skipped with a warning, not an error. */
  imported?: boolean;
}

export interface ActionConfig {
  kind: ActionKind;
  nftables?: {
    command?: string[];
    table?: string;
    hooks?: ("input" | "forward")[];
    verdict?: "drop" | "reject";
    priority?: number;
  };
  ipset?: {
    ipset?: string[];
    iptables?: string[];
    ip6tables?: string[];
    prefix?: string;
    chain?: string;
    target?: "DROP" | "REJECT";
  };
  fail2banClient?: { command?: string[]; jails?: Record<string, string>; unban?: boolean };
}

export interface SyslogListenerConfig {
  host: string;
  port: number;
  udp: boolean;
  tcp: boolean;
  /** Accept messages from these addresses only. */
  allowedSenders?: string[];
  timezone?: string;
}

export interface AlertsConfig {
  webhooks: Omit<WebhookOptions, "fetch" | "sleep" | "random" | "env">[];
  emails: Omit<EmailOptions, "env">[];
  policy: ChannelPolicy;
  unbans: boolean;
  everyLogin: boolean;
  summaryIntervalMs?: number;
}

export interface WatchConfig {
  /** The configuration file read, if any. */
  file?: string;
  jails: WatchJailConfig[];
  action: ActionConfig;
  syslog: SyslogListenerConfig[];
  /** The state file; undefined: see {@link defaultStatePath} and the watcher's rules. */
  state?: string;
  alerts: AlertsConfig;
  protect: string[];
  timezone?: string;
  /** Problems that do not stop the watcher (a fail2ban jail skipped, a setting not used). */
  warnings: string[];
}

export function emptyWatchConfig(): WatchConfig {
  return {
    jails: [],
    action: { kind: "dry-run" },
    syslog: [],
    alerts: { webhooks: [], emails: [], policy: {}, unbans: false, everyLogin: false },
    protect: [],
    warnings: [],
  };
}

/**
 * Where the state is kept when nothing says: /var/lib/bulwark/watch.db for root, else
 * $XDG_STATE_HOME/bulwark/watch.db (~/.local/state/bulwark/watch.db).
 */
export function defaultStatePath(
  env: NodeJS.ProcessEnv = process.env,
  uid = process.getuid?.() ?? -1,
): string {
  if (uid === 0) return "/var/lib/bulwark/watch.db";
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(base, "bulwark", "watch.db");
}

// ---------------------------------------------------------------------------------------------
// The schema

const DURATION_HINT = "seconds, or a time like 30s, 10m, 1h, 1d, 1w";

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") return v;
  const s = parseDuration(v.trim());
  if (s === undefined) {
    ctx.addIssue({ code: "custom", message: `'${v}' is not a duration (${DURATION_HINT})` });
    return z.NEVER;
  }
  return s;
});

const positiveDuration = duration.refine((v) => v > 0, "must be more than 0 seconds");

/** A list written as a YAML list or as one string of words (fail2ban's `ignoreip` style). */
const wordList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === "string" ? v.split(/[\s,]+/).filter((w) => w !== "") : v));

const command = z.array(z.string().min(1)).min(1);

const actionKind = z.enum(ACTION_KINDS);

const actionObject = z
  .object({
    type: actionKind,
    command: command.optional(),
    table: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, "letters, digits and _ only")
      .optional(),
    hooks: z
      .array(z.enum(["input", "forward"]))
      .min(1)
      .optional(),
    verdict: z.enum(["drop", "reject"]).optional(),
    priority: z.number().int().optional(),
    ipset: command.optional(),
    iptables: command.optional(),
    ip6tables: command.optional(),
    prefix: z.string().optional(),
    chain: z.string().optional(),
    target: z.enum(["DROP", "REJECT"]).optional(),
    jails: z.record(z.string(), z.string()).optional(),
    unban: z.boolean().optional(),
  })
  .strict();

const logPath = z.union([
  z.string().min(1),
  z
    .object({
      path: z.string().min(1),
      from: z.enum(["start", "end"]).optional(),
      ident: z
        .string()
        .regex(/^[\w.@/-]+$/, "a program name (letters, digits, . _ - @ /)")
        .optional(),
    })
    .strict(),
]);

const increment = z.union([
  z.boolean(),
  z
    .object({
      factor: z.number().positive().optional(),
      formula: z.string().min(1).optional(),
      multipliers: z.array(z.number().int()).min(1).optional(),
      maxtime: positiveDuration.optional(),
      rndtime: positiveDuration.optional(),
      overalljails: z.boolean().optional(),
    })
    .strict(),
]);

const port = z.union([
  z.string().min(1),
  z.number().int(),
  z.array(z.union([z.string().min(1), z.number().int()])),
]);

/** What a jail and `defaults` both can say. */
const commonJailFields = {
  maxretry: z.number().int().positive().optional(),
  findtime: positiveDuration.optional(),
  bantime: duration.optional(),
  increment: increment.optional(),
  ignoreip: wordList.optional(),
  ignoreself: z.boolean().optional(),
  action: actionKind.optional(),
  timezone: z.string().min(1).optional(),
  from: z.enum(["start", "end"]).optional(),
};

const jailSchema = z
  .object({
    ...commonJailFields,
    enabled: z.boolean().optional(),
    filter: z.string().min(1).optional(),
    mode: z.string().min(1).optional(),
    set: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .transform((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))
      .optional(),
    logtype: z.enum(["file", "journal"]).optional(),
    logpath: z.union([logPath, z.array(logPath)]).optional(),
    journal: z
      .union([
        z.boolean(),
        z.object({ match: z.union([z.string(), z.array(z.string())]).optional() }).strict(),
      ])
      .optional(),
    syslog: z.union([z.boolean(), z.object({ senders: wordList.optional() }).strict()]).optional(),
    port: port.optional(),
    protocol: z.enum(["tcp", "udp", "all"]).optional(),
    recidive: z.union([z.boolean(), z.array(z.string())]).optional(),
  })
  .strict();

const syslogListener = z.union([
  z.string().min(1),
  z
    .object({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
      udp: z.boolean().optional(),
      tcp: z.boolean().optional(),
      senders: wordList.optional(),
      timezone: z.string().min(1).optional(),
    })
    .strict(),
]);

const webhook = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    format: z.enum(["json", "slack"]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    headersFromEnv: z.record(z.string(), z.string()).optional(),
    timeout: positiveDuration.optional(),
    retries: z.number().int().min(0).max(10).optional(),
    name: z.string().optional(),
  })
  .strict();

const email = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    secure: z.boolean().optional(),
    requireTLS: z.boolean().optional(),
    from: z.string().min(3),
    to: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]),
    subjectPrefix: z.string().optional(),
    userEnv: z.string().min(1).optional(),
    passwordEnv: z.string().min(1).optional(),
    tls: z
      .object({
        ca: z.string().optional(),
        servername: z.string().optional(),
        rejectUnauthorized: z.boolean().optional(),
      })
      .strict()
      .optional(),
    timeout: positiveDuration.optional(),
    name: z.string().optional(),
  })
  .strict();

const oneOrMore = <T extends z.ZodType>(s: T) =>
  z.union([s, z.array(s)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const alerts = z
  .object({
    webhook: oneOrMore(webhook).optional(),
    email: oneOrMore(email).optional(),
    limit: z
      .object({
        burst: z.number().int().positive().optional(),
        perHour: z.number().positive().optional(),
        dedupe: duration.optional(),
        queue: z.number().int().positive().optional(),
        minSeverity: z.enum(["info", "warning", "critical"]).optional(),
      })
      .strict()
      .optional(),
    unbans: z.boolean().optional(),
    everyLogin: z.boolean().optional(),
    summaryInterval: positiveDuration.optional(),
  })
  .strict();

const configSchema = z
  .object({
    action: z.union([actionKind, actionObject]).optional(),
    state: z.string().min(1).optional(),
    timezone: z.string().min(1).optional(),
    protect: wordList.optional(),
    fail2ban: z.string().min(1).optional(),
    syslog: z.union([syslogListener, z.array(syslogListener)]).optional(),
    alerts: alerts.optional(),
    defaults: z.object(commonJailFields).strict().optional(),
    jails: z.record(z.string(), jailSchema.nullable()).optional(),
  })
  .strict();

type ParsedConfig = z.output<typeof configSchema>;
type ParsedJail = z.output<typeof jailSchema>;
type Defaults = NonNullable<ParsedConfig["defaults"]>;

// ---------------------------------------------------------------------------------------------
// Errors located in the YAML text

type PathKey = string | number;

/** The 1-based line of the node at `path` (or of the deepest part of it that exists). */
function lineAt(doc: YamlDocument, lc: LineCounter, path: readonly PathKey[]): number {
  let node: unknown = doc.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const k of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) break;
      const key = pair.key as { range?: [number] };
      if (key.range) offset = key.range[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(k)] as { range?: [number] } | undefined;
      if (!item) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else break;
  }
  return lc.linePos(offset).line;
}

interface FlatIssue {
  path: PathKey[];
  message: string;
}

/** One readable issue: a union's failure explained by the branch that fits the input's type. */
function flatten(issue: z.core.$ZodIssue, prefix: PathKey[] = []): FlatIssue {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const typeOnly = (b: z.core.$ZodIssue[]) =>
      b.length === 1 && b[0]?.code === "invalid_type" && b[0].path.length === 0;
    const fitting = issue.errors.find((b) => b.length > 0 && !typeOnly(b));
    if (fitting?.[0]) return flatten(fitting[0], path);
    const expected = [
      ...new Set(
        issue.errors.flatMap((b) =>
          b[0]?.code === "invalid_type" ? [describeType(b[0].expected)] : [],
        ),
      ),
    ];
    if (expected.length > 0) return { path, message: `expected ${expected.join(" or ")}` };
  }
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    if (/pass(word)?|secret/i.test(key)) {
      return {
        path: [...path, key],
        message:
          "secrets are not written in this file: put the password in an environment variable and name it with passwordEnv (default BULWARK_SMTP_PASSWORD)",
      };
    }
    return { path: [...path, key], message: `unknown setting '${key}'` };
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    return {
      path,
      message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
    };
  }
  if (issue.code === "invalid_type") {
    return { path, message: `expected ${describeType(issue.expected)}` };
  }
  return { path, message: issue.message };
}

function describeType(t: string): string {
  if (t === "object" || t === "record" || t === "map") return "a mapping (key: value)";
  if (t === "array") return "a list";
  if (t === "number") return "a number";
  if (t === "string") return "a string";
  if (t === "boolean") return "true or false";
  return t;
}

function pathText(path: readonly PathKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(".");
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Read and validate a configuration file. Errors are {@link InputError}s naming file and line. */
export function loadWatchConfig(file: string): WatchConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(
      `cannot read the watch configuration (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      file,
    );
  }
  return parseWatchConfig(text, file);
}

/** Validate configuration text; `file` names it in errors and anchors relative paths. */
export function parseWatchConfig(text: string, file: string): WatchConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line ?? lc.linePos(yamlError.pos[0]).line;
    throw new InputError(yamlError.message.split("\n")[0] ?? "invalid YAML", file, line);
  }
  const data: unknown = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const flat = first ? flatten(first) : { path: [], message: "invalid configuration" };
    const where = pathText(flat.path);
    throw new InputError(
      `${where ? `${where}: ` : ""}${flat.message}`,
      file,
      lineAt(doc, lc, flat.path),
    );
  }
  const at = (path: PathKey[]) => lineAt(doc, lc, path);
  const fail = (path: PathKey[], message: string): never => {
    throw new InputError(`${pathText(path)}: ${message}`, file, at(path));
  };
  return resolveConfig(parsed.data, file, at, fail);
}

function resolveConfig(
  p: ParsedConfig,
  file: string,
  at: (path: PathKey[]) => number,
  fail: (path: PathKey[], message: string) => never,
): WatchConfig {
  const base = resolve(file, "..");
  const cfg = emptyWatchConfig();
  cfg.file = file;
  cfg.timezone = p.timezone;
  cfg.protect = p.protect ?? [];
  if (p.state) cfg.state = p.state === ":memory:" ? p.state : resolve(base, p.state);
  if (p.action !== undefined) cfg.action = actionFrom(p.action);

  const listeners = p.syslog === undefined ? [] : Array.isArray(p.syslog) ? p.syslog : [p.syslog];
  listeners.forEach((l, i) => {
    const path: PathKey[] = Array.isArray(p.syslog) ? ["syslog", i] : ["syslog"];
    if (typeof l === "string") {
      try {
        cfg.syslog.push(...parseSyslogUrl(l, p.timezone));
      } catch (e) {
        fail(path, (e as Error).message);
      }
    } else {
      const udp = l.udp ?? true;
      const tcp = l.tcp ?? true;
      if (!udp && !tcp) fail(path, "neither udp nor tcp: the listener would receive nothing");
      cfg.syslog.push({
        host: l.host ?? "0.0.0.0",
        port: l.port ?? 514,
        udp,
        tcp,
        allowedSenders: l.senders,
        timezone: l.timezone ?? p.timezone,
      });
    }
  });

  if (p.alerts) cfg.alerts = alertsFrom(p.alerts);

  const defaults = p.defaults ?? {};
  for (const [name, j] of Object.entries(p.jails ?? {})) {
    const path: PathKey[] = ["jails", name];
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/.test(name)) {
      fail(path, `jail name '${name}': letters, digits, and . _ - @ after the first character`);
    }
    const jail = jailFrom(name, j ?? {}, defaults, base, { file, line: at(path) }, (k, m) =>
      fail([...path, ...k], m),
    );
    if (jail) cfg.jails.push(jail);
  }

  if (p.fail2ban) {
    const dir = resolve(base, p.fail2ban);
    let imported: { jails: WatchJailConfig[]; warnings: string[] };
    try {
      imported = importFail2ban(dir);
    } catch (e) {
      if (e instanceof InputError) fail(["fail2ban"], e.located);
      throw e;
    }
    addJails(cfg, imported.jails, (name) => fail(["fail2ban"], `jail '${name}' is defined twice`));
    cfg.warnings.push(...imported.warnings);
  }
  return cfg;
}

function actionFrom(a: NonNullable<ParsedConfig["action"]>): ActionConfig {
  if (typeof a === "string") return { kind: a };
  const out: ActionConfig = { kind: a.type };
  if (a.type === "nftables") {
    out.nftables = {
      command: a.command,
      table: a.table,
      hooks: a.hooks,
      verdict: a.verdict,
      priority: a.priority,
    };
  } else if (a.type === "ipset" || a.type === "iptables") {
    out.ipset = {
      ipset: a.ipset ?? a.command,
      iptables: a.iptables,
      ip6tables: a.ip6tables,
      prefix: a.prefix,
      chain: a.chain,
      target: a.target,
    };
  } else if (a.type === "fail2ban-client") {
    out.fail2banClient = { command: a.command, jails: a.jails, unban: a.unban };
  }
  return out;
}

function alertsFrom(a: NonNullable<ParsedConfig["alerts"]>): AlertsConfig {
  const policy: ChannelPolicy = {};
  if (a.limit?.burst !== undefined) policy.burst = a.limit.burst;
  if (a.limit?.perHour !== undefined) policy.perHour = a.limit.perHour;
  if (a.limit?.dedupe !== undefined) policy.dedupeMs = a.limit.dedupe * 1000;
  if (a.limit?.queue !== undefined) policy.queue = a.limit.queue;
  if (a.limit?.minSeverity !== undefined) policy.minSeverity = a.limit.minSeverity as AlertSeverity;
  return {
    webhooks: (a.webhook ?? []).map((w) => ({
      url: w.url,
      format: w.format,
      headers: w.headers,
      headersFromEnv: w.headersFromEnv,
      timeoutMs: w.timeout === undefined ? undefined : w.timeout * 1000,
      retries: w.retries,
      name: w.name,
    })),
    emails: (a.email ?? []).map((e) => ({
      host: e.host,
      port: e.port,
      secure: e.secure,
      requireTLS: e.requireTLS,
      from: e.from,
      to: e.to,
      subjectPrefix: e.subjectPrefix,
      userEnv: e.userEnv,
      passwordEnv: e.passwordEnv,
      tls: e.tls,
      timeoutMs: e.timeout === undefined ? undefined : e.timeout * 1000,
      name: e.name,
    })),
    policy,
    unbans: a.unbans ?? false,
    everyLogin: a.everyLogin ?? false,
    summaryIntervalMs: a.summaryInterval === undefined ? undefined : a.summaryInterval * 1000,
  };
}

function jailFrom(
  name: string,
  j: ParsedJail,
  d: Defaults,
  base: string,
  at: { file: string; line: number },
  fail: (path: PathKey[], message: string) => never,
): WatchJailConfig | undefined {
  if (j.enabled === false) return undefined;
  const recidive = j.recidive;
  const feedsFrom = recidive === true ? "all" : Array.isArray(recidive) ? recidive : undefined;
  const from = j.from ?? d.from ?? "end";
  const logpath = (
    j.logpath === undefined ? [] : Array.isArray(j.logpath) ? j.logpath : [j.logpath]
  )
    .map((l) => (typeof l === "string" ? { path: l } : l))
    .map(
      (l): WatchLogPath => ({
        path: resolve(base, l.path),
        fromStart: (("from" in l ? l.from : undefined) ?? from) === "start",
        ...("ident" in l && l.ident ? { ident: l.ident } : {}),
      }),
    );
  const journal =
    j.journal === undefined || j.journal === false
      ? undefined
      : j.journal === true
        ? {}
        : {
            matches:
              j.journal.match === undefined
                ? undefined
                : (Array.isArray(j.journal.match) ? j.journal.match : [j.journal.match]).flatMap(
                    (m, i) => (i > 0 ? ["+", ...splitJournalMatch(m)] : splitJournalMatch(m)),
                  ),
          };
  const syslog =
    j.syslog === undefined || j.syslog === false
      ? undefined
      : j.syslog === true
        ? {}
        : { senders: j.syslog.senders };
  if (!feedsFrom) {
    if (!j.filter) fail(["filter"], "missing: a built-in detector's name or a filter file");
    if (logpath.length === 0 && !journal && !syslog) {
      fail([], "reads nothing: give logpath, journal: true or syslog: true");
    }
  }
  const filter =
    j.filter === undefined
      ? "recidive"
      : looksLikePath(j.filter)
        ? resolve(base, j.filter)
        : j.filter;
  const inc = j.increment ?? d.increment;
  const spec: Omit<JailSpec, "actions"> = {
    name,
    maxretry: j.maxretry ?? d.maxretry,
    findtime: j.findtime ?? d.findtime,
    bantime: j.bantime ?? d.bantime,
    ignoreip: j.ignoreip ?? d.ignoreip,
    ignoreself: j.ignoreself ?? d.ignoreself,
  };
  if (inc !== undefined && inc !== false) spec.increment = inc as true | BantimeIncrement;
  if (feedsFrom) spec.feedsFrom = feedsFrom;
  const jail: WatchJailConfig = {
    name,
    filter,
    logpath,
    spec,
    at,
  };
  if (j.mode) jail.mode = j.mode;
  if (j.set) jail.set = j.set;
  if (j.logtype) jail.logtype = j.logtype;
  const tz = j.timezone ?? d.timezone;
  if (tz) jail.timezone = tz;
  if (journal) jail.journal = journal;
  if (syslog) jail.syslog = syslog;
  const action = j.action ?? d.action;
  if (action) jail.action = action;
  if (j.port !== undefined || j.protocol !== undefined) {
    const ports = (Array.isArray(j.port) ? j.port : j.port === undefined ? [] : [j.port]).flatMap(
      (x) =>
        String(x)
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== ""),
    );
    jail.ports = { protocol: j.protocol ?? "tcp", ports };
  }
  return jail;
}

function looksLikePath(s: string): boolean {
  return s.includes("/") || /\.(conf|local)$/.test(s);
}

function addJails(
  cfg: WatchConfig,
  jails: WatchJailConfig[],
  onDuplicate: (name: string) => void,
): void {
  for (const j of jails) {
    const twice = cfg.jails.find((x) => x.name === j.name);
    if (twice) {
      if (j.imported && !twice.imported) {
        // the watch configuration's own jail of that name wins over the imported one
        cfg.warnings.push(
          `${j.at.file}:${j.at.line}: jail '${j.name}' not imported: ${twice.at.file}:${twice.at.line} defines it`,
        );
        continue;
      }
      onDuplicate(j.name);
    }
    cfg.jails.push(j);
  }
}

// ---------------------------------------------------------------------------------------------
// Syslog listener URLs

/**
 * `udp://HOST:PORT`, `tcp://HOST:PORT`, `syslog://HOST:PORT` (both); IPv6 hosts in brackets.
 * The port defaults to 514; the host to 0.0.0.0.
 */
export function parseSyslogUrl(url: string, timezone?: string): SyslogListenerConfig[] {
  const m = /^(udp|tcp|syslog):\/\/(\[[0-9A-Fa-f:.]+\]|[^:/\s[\]]*)(?::(\d{1,5}))?\/?$/.exec(
    url.trim(),
  );
  if (!m) {
    throw new Error(
      `'${url}' is not a syslog listener (udp://HOST:PORT, tcp://HOST:PORT or syslog://HOST:PORT for both)`,
    );
  }
  const proto = m[1] as string;
  const host = (m[2] || "0.0.0.0").replace(/^\[|\]$/g, "");
  const port = m[3] === undefined ? 514 : Number(m[3]);
  if (port > 65535) throw new Error(`'${url}': port ${port} is out of range`);
  return [
    {
      host,
      port,
      udp: proto !== "tcp",
      tcp: proto !== "udp",
      ...(timezone ? { timezone } : {}),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// fail2ban import

/**
 * The enabled jails of a fail2ban configuration (`/etc/fail2ban`: jail.conf, jail.d, .local
 * files), each with its filter read as fail2ban reads it (the jail's `filter = name[params]`, its
 * own failregex/journalmatch overrides), its maxretry, findtime, bantime (and increment),
 * ignoreip, port and protocol. A `systemd` backend reads the journal with the filter's
 * journalmatch; a logpath marked `tail` is read from its end, the others from their beginning (as
 * fail2ban does, failures older than findtime being left out). fail2ban's own actions are not
 * used: the watcher's action applies. A jail fail2ban would refuse (its filter missing) is
 * skipped with a warning naming the file and line.
 */
export function importFail2ban(dir: string): { jails: WatchJailConfig[]; warnings: string[] } {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    throw new InputError("not a directory (a fail2ban configuration, /etc/fail2ban)", dir);
  if (!existsSync(join(dir, "jail.conf")) && !existsSync(join(dir, "jail.local"))) {
    throw new InputError("no jail.conf or jail.local: not a fail2ban configuration", dir);
  }
  const r = loadJails(dir, { withFilters: true });
  const warnings: string[] = [];
  const loc = (file: string, line: number) =>
    `${isAbsolute(file) || file.startsWith("<") ? file : join(dir, file)}${line ? `:${line}` : ""}`;
  for (const d of r.diagnostics) {
    if (d.severity === "error") warnings.push(`${loc(d.file, d.line)}: ${d.message}`);
  }
  const jails: WatchJailConfig[] = [];
  for (const jail of r.jails) {
    if (!jail.enabled.value) continue;
    const header = jail.headers[0] ?? { file: "jail.conf", line: 0 };
    const at = { file: loc(header.file, 0), line: header.line };
    const { spec, problems, ports } = jailSpecFromResolved(jail);
    for (const p of problems)
      warnings.push(`${loc(header.file, header.line)}: [${jail.name}] ${p}`);
    const w: WatchJailConfig = {
      name: jail.name,
      filter: jail.filter?.value.name ?? "",
      logpath: [],
      spec,
      at,
      imported: true,
    };
    if (ports) w.ports = ports;
    if (!spec.feedsFrom) {
      const def = jail.filterDefinition;
      if (!def || def.files.length === 0) {
        warnings.push(
          `${loc(header.file, header.line)}: [${jail.name}] skipped: its filter '${w.filter || "(none)"}' cannot be read`,
        );
        continue;
      }
      w.filterDefinition = def;
      w.filter = join(dir, def.files[def.files.length - 1] ?? `filter.d/${def.name}.conf`);
      if (jail.logpathIgnored) {
        const lines = def.journalmatch.map((v) => v.text.trim()).filter((t) => t !== "");
        w.journal = {
          matches: lines.flatMap((t, i) =>
            i > 0 ? ["+", ...splitJournalMatch(t)] : splitJournalMatch(t),
          ),
        };
        w.logtype = "journal";
      } else {
        w.logpath = jail.logpath.map((l) => ({ path: l.path, fromStart: !l.tail }));
        if (w.logpath.length === 0) {
          warnings.push(`${loc(header.file, header.line)}: [${jail.name}] skipped: no logpath`);
          continue;
        }
      }
    }
    jails.push(w);
  }
  return { jails, warnings };
}

// ---------------------------------------------------------------------------------------------
// The command line on top of a file

export interface WatchOverrides {
  /** `--config FILE`. */
  config?: string;
  /** `--fail2ban DIR` (repeatable). */
  fail2ban?: string[];
  /** `--action A`. */
  action?: string;
  /** `--state FILE`. */
  state?: string;
  /** `--syslog udp://HOST:PORT` (repeatable). */
  syslog?: string[];
  /** `--timezone TZ`. */
  timezone?: string;
}

/** The configuration a command line asks for: the file (if any), then imports and overrides. */
export function buildWatchConfig(o: WatchOverrides): WatchConfig {
  const cfg = o.config ? loadWatchConfig(o.config) : emptyWatchConfig();
  if (o.timezone) {
    cfg.timezone = o.timezone;
    for (const j of cfg.jails) j.timezone ??= o.timezone;
  }
  for (const dir of o.fail2ban ?? []) {
    const imported = importFail2ban(resolve(dir));
    addJails(cfg, imported.jails, (name) => {
      throw new InputError(`jail '${name}' is defined twice`, dir);
    });
    cfg.warnings.push(...imported.warnings);
  }
  if (o.action !== undefined) {
    if (!(ACTION_KINDS as readonly string[]).includes(o.action)) {
      throw new InputError(`unknown action '${o.action}' (${ACTION_KINDS.join(", ")})`, "--action");
    }
    const kind = o.action as ActionKind;
    // the command line's action is for every jail; the file's settings for that kind are kept
    cfg.action = { ...cfg.action, kind };
    for (const j of cfg.jails) delete j.action;
  }
  if (o.state !== undefined) cfg.state = o.state === ":memory:" ? o.state : resolve(o.state);
  for (const url of o.syslog ?? []) {
    try {
      cfg.syslog.push(...parseSyslogUrl(url, cfg.timezone));
    } catch (e) {
      throw new InputError((e as Error).message, "--syslog");
    }
  }
  return cfg;
}
