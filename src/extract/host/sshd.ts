/**
 * The OpenSSH server (etc/ssh/sshd_config and the files it `Include`s) to a Service of kind "ssh".
 *
 * Read as sshd(8) reads it (servconf.c, sshd_config(5)):
 * - keywords are case-insensitive; a keyword and its arguments are separated by blanks or one `=`;
 *   arguments may be double-quoted; `#` starts a comment (at the start of a line, or of a word);
 * - the FIRST value obtained for a keyword wins (later lines do not override it), except for
 *   keywords that accumulate (Port, ListenAddress);
 * - `Include` inserts its files (globs sorted, relative paths under /etc/ssh) where it stands, so a
 *   Debian-style `Include /etc/ssh/sshd_config.d/*.conf` at the top wins over the rest of the file;
 * - a `Match` block lasts until the next `Match` or the end of its file; its settings apply only to
 *   connections that match, on top of the global ones. They are recorded as evidence next to the
 *   global value they may change, never as the global value. `Match all` matches every connection,
 *   so its settings count as unconditional overrides;
 * - an absent keyword takes the compiled-in default (upstream OpenSSH): Port 22, every address,
 *   PasswordAuthentication yes, KbdInteractiveAuthentication yes, UsePAM no, PubkeyAuthentication
 *   yes, PermitRootLogin prohibit-password (since 7.0), AuthenticationMethods any,
 *   AuthorizedKeysFile `.ssh/authorized_keys .ssh/authorized_keys2`. Such values are cited as implied.
 *
 * Password logins: PasswordAuthentication, or keyboard-interactive through PAM (which asks for the
 * Unix password), unless AuthenticationMethods makes every login need a non-password method too.
 * root may log in with a password only if PermitRootLogin is `yes` and password logins are on.
 * authorizedKeys counts root's keys (root/.ssh/authorized_keys per AuthorizedKeysFile) when the input
 * holds root's home; otherwise it is unknown.
 */
import type { BindScope, Facts, PortRange, Service } from "../../facts/model.js";
import { type ConfigOrigin, type Fact, known, type Origin, unknown } from "../../facts/value.js";
import type { ExtractContext } from "../context.js";

export const SSHD_CONFIG = "etc/ssh/sshd_config";
/** servconf.c SERVCONF_MAX_DEPTH. */
const MAX_DEPTH = 16;

/** One directive as read, with where it was written and the Match block it sits in. */
export interface SshdDirective {
  /** Lower case, aliases resolved (ChallengeResponseAuthentication → kbdinteractiveauthentication). */
  keyword: string;
  /** As written, for excerpts. */
  written: string;
  args: string[];
  /** Tree path of the file. */
  file: string;
  line: number;
  match?: SshdMatch;
}

export interface SshdMatch {
  criteria: string;
  file: string;
  line: number;
  /** `Match all`: applies to every connection. */
  all: boolean;
}

export interface SshdConfig {
  directives: SshdDirective[];
  /** Tree paths of the files read, in order. */
  files: string[];
  problems: { file: string; line: number; message: string; severity: "error" | "warning" }[];
}

const ALIASES: Record<string, string> = {
  challengeresponseauthentication: "kbdinteractiveauthentication",
  skeyauthentication: "kbdinteractiveauthentication",
  dsaauthentication: "pubkeyauthentication",
};

/** Splits the arguments of a line like argv_split(): blanks separate, double quotes group, `#` ends. */
export function splitArgs(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    if (text[i] === "#") break;
    let word = "";
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return undefined;
      word = text.slice(i + 1, end);
      i = end + 1;
    } else {
      while (i < text.length && !/\s/.test(text[i] as string)) {
        if (text[i] === "\\" && i + 1 < text.length) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        word += text[i];
        i++;
      }
    }
    out.push(word);
  }
  return out;
}

/** The keyword and the rest of a line (the keyword ends at a blank or an `=`). */
function splitKeyword(line: string): { keyword: string; rest: string } | undefined {
  const m = /^([^\s=]+)\s*(?:=\s*)?(.*)$/.exec(line);
  if (!m) return undefined;
  return { keyword: m[1] as string, rest: m[2] ?? "" };
}

function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${re.replace(/\[!/g, "[^")}$`);
}

/** Tree paths an Include argument names: absolute paths map onto the tree, relative ones to /etc/ssh. */
function includePaths(ctx: ExtractContext, arg: string): string[] {
  let path = arg.startsWith("~") ? arg : arg.startsWith("/") ? arg.slice(1) : `etc/ssh/${arg}`;
  path = path.replace(/\/+/g, "/");
  if (path.startsWith("~")) return [];
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) : "";
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  if (/[*?[]/.test(dir)) return [];
  if (!/[*?[]/.test(base)) return ctx.tree.read(path) !== undefined ? [path] : [];
  const re = globToRegExp(base);
  return ctx.tree
    .list(dir)
    .filter((n) => re.test(n) && !n.startsWith("."))
    .sort()
    .map((n) => (dir ? `${dir}/${n}` : n));
}

/** Reads sshd_config with its includes, in the order sshd meets the lines. */
export function readSshdConfig(ctx: ExtractContext, path = SSHD_CONFIG): SshdConfig | undefined {
  const cfg: SshdConfig = { directives: [], files: [], problems: [] };
  const text = ctx.tree.read(path);
  if (text === undefined) return undefined;
  readFile(ctx, cfg, path, text, undefined, 0);
  return cfg;
}

function readFile(
  ctx: ExtractContext,
  cfg: SshdConfig,
  path: string,
  text: string,
  outerMatch: SshdMatch | undefined,
  depth: number,
): void {
  cfg.files.push(path);
  let match = outerMatch;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, "").trim();
    const lineNo = i + 1;
    if (raw === "" || raw.startsWith("#")) continue;
    const kw = splitKeyword(raw);
    if (!kw) continue;
    const args = splitArgs(kw.rest);
    if (!args) {
      cfg.problems.push({
        file: path,
        line: lineNo,
        message: `unterminated quote in '${raw}': sshd refuses this configuration`,
        severity: "error",
      });
      continue;
    }
    const lower = kw.keyword.toLowerCase();
    const keyword = ALIASES[lower] ?? lower;
    if (keyword === "match") {
      const criteria = args.join(" ");
      match = {
        criteria,
        file: path,
        line: lineNo,
        all: args.length === 1 && args[0]?.toLowerCase() === "all",
      };
      continue;
    }
    if (keyword === "include") {
      if (depth + 1 > MAX_DEPTH) {
        cfg.problems.push({
          file: path,
          line: lineNo,
          message: `Include nested deeper than ${MAX_DEPTH}: sshd refuses this configuration`,
          severity: "error",
        });
        continue;
      }
      for (const arg of args) {
        for (const inc of includePaths(ctx, arg)) {
          const incText = ctx.tree.read(inc);
          if (incText !== undefined) readFile(ctx, cfg, inc, incText, match, depth + 1);
        }
      }
      continue;
    }
    cfg.directives.push({
      keyword,
      written: kw.keyword,
      args,
      file: path,
      line: lineNo,
      ...(match ? { match } : {}),
    });
  }
}

/** What sshd uses for a keyword: the first global value, a `Match all` value over it, conditional ones aside. */
export interface SshdValue {
  /** The directive that decides for every connection; undefined when the default applies. */
  global?: SshdDirective;
  /** Settings of Match blocks (other than `Match all`) that apply to some connections only. */
  conditional: SshdDirective[];
}

export function lookup(cfg: SshdConfig, keyword: string): SshdValue {
  const all = cfg.directives.filter((d) => d.keyword === keyword);
  const firstGlobal = all.find((d) => !d.match);
  const firstMatchAll = all.find((d) => d.match?.all);
  const conditional: SshdDirective[] = [];
  const seen = new Set<string>();
  for (const d of all) {
    if (!d.match || d.match.all) continue;
    // within one Match block, too, the first value wins
    const key = `${d.match.file}:${d.match.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    conditional.push(d);
  }
  const global = firstMatchAll ?? firstGlobal;
  return { ...(global ? { global } : {}), conditional };
}

function parseYesNo(v: string | undefined): boolean | undefined {
  const s = v?.toLowerCase();
  if (s === "yes" || s === "true") return true;
  if (s === "no" || s === "false") return false;
  return undefined;
}

export class SshdReader {
  constructor(
    private readonly ctx: ExtractContext,
    readonly cfg: SshdConfig,
    /** The main file, for implied values. */
    private readonly main: string,
  ) {}

  origin(d: SshdDirective): ConfigOrigin {
    const prefix = d.match?.all ? `Match all (line ${d.match.line}): ` : "";
    return {
      kind: "config",
      file: this.ctx.tree.display(d.file),
      line: d.line,
      excerpt: `${prefix}${d.written} ${d.args.join(" ")}`.trim(),
    };
  }

  conditionalOrigin(d: SshdDirective): ConfigOrigin {
    const m = d.match as SshdMatch;
    return {
      kind: "config",
      file: this.ctx.tree.display(d.file),
      line: d.line,
      excerpt: `Match ${m.criteria} (line ${m.line}): ${d.written} ${d.args.join(" ")} (only for connections that match)`,
    };
  }

  implied(keyword: string, value: string): ConfigOrigin {
    return {
      kind: "config",
      file: this.ctx.tree.display(this.main),
      excerpt: `${keyword} not set: OpenSSH defaults to ${value}`,
      implied: true,
    };
  }

  /** A yes/no keyword with its default; conditional Match values ride along as evidence. */
  yesNo(display: string, dflt: boolean): NotedFact {
    const v = lookup(this.cfg, display.toLowerCase());
    const notes = v.conditional.map((d) => this.conditionalOrigin(d));
    if (!v.global) {
      return { ...known(dflt, this.implied(display, dflt ? "yes" : "no")), notes };
    }
    const b = parseYesNo(v.global.args[0]);
    if (b === undefined) {
      return {
        ...unknown(
          `${display} '${v.global.args.join(" ")}' is not yes/no: sshd refuses to start`,
          this.origin(v.global),
        ),
        notes,
      };
    }
    return { ...known(b, this.origin(v.global)), notes };
  }
}

const ROOT_LOGIN_VALUES = [
  "yes",
  "no",
  "prohibit-password",
  "without-password",
  "forced-commands-only",
];

export function extractSshd(ctx: ExtractContext, facts: Facts): void {
  const cfg = readSshdConfig(ctx);
  if (!cfg) return;
  const mainFile = ctx.tree.display(SSHD_CONFIG);
  for (const f of cfg.files) {
    const bad = cfg.problems.some((p) => p.file === f && p.severity === "error");
    ctx.sources.push({
      path: ctx.tree.display(f),
      format: "sshd_config",
      status: bad ? "error" : "ok",
    });
  }
  for (const p of cfg.problems) {
    ctx.diagnostics.push({
      severity: p.severity,
      file: ctx.tree.display(p.file),
      line: p.line,
      message: p.message,
    });
  }
  const r = new SshdReader(ctx, cfg, SSHD_CONFIG);

  const password = r.yesNo("PasswordAuthentication", true);
  const kbd = r.yesNo("KbdInteractiveAuthentication", true);
  const pam = r.yesNo("UsePAM", false);
  const methods = lookup(cfg, "authenticationmethods");
  const rootLogin = lookup(cfg, "permitrootlogin");

  const passwordFact = passwordLogins(r, password, kbd, pam, methods);
  const rootFact = rootPasswordLogins(r, rootLogin, passwordFact);
  const { ports, bind } = listenFacts(r, cfg);

  const taken = new Set(facts.services.map((s) => s.id));
  const service: Service = {
    id: taken.has("ssh") ? "sshd" : "ssh",
    kind: "ssh",
    label: "SSH (OpenSSH)",
    admin: true,
    // Installing the server package enables and starts sshd on Debian, Ubuntu and RHEL alike; the
    // configuration file cannot say more.
    enabled: known(true, {
      kind: "config",
      file: mainFile,
      excerpt: "sshd_config present: the OpenSSH server is installed (distributions start it)",
      implied: true,
    }),
    ports,
    bind,
    tls: known(false, { kind: "config", file: mainFile, excerpt: "SSH protocol (not TLS)" }),
    auth: {
      password: passwordFact,
      rootPassword: rootFact,
      authorizedKeys: rootAuthorizedKeys(ctx, r, cfg),
    },
    wan: unknown("firewall not evaluated yet"),
    cfg: { language: "sshd", file: mainFile },
  };
  facts.services.push(service);
}

type NotedFact = Fact<boolean> & { notes: ConfigOrigin[] };

function strip(f: NotedFact): Fact<boolean> {
  return f.known ? known(f.value, ...f.at) : unknown(f.reason, ...f.at);
}

function passwordLogins(
  r: SshdReader,
  password: NotedFact,
  kbd: NotedFact,
  pam: NotedFact,
  methods: SshdValue,
): Fact<boolean> {
  if (!password.known) return strip(password);
  const notes = [...password.notes, ...kbd.notes, ...pam.notes];
  const at = [...password.at];
  // keyboard-interactive asks for the Unix password only through PAM
  let kbdPassword: boolean | undefined;
  let kbdAt: Origin[] = [];
  if (kbd.known && !kbd.value) {
    kbdPassword = false;
    kbdAt = [...kbd.at];
  } else if (pam.known && !pam.value) {
    kbdPassword = false;
    kbdAt = [...kbd.at, ...pam.at];
  } else if (kbd.known && pam.known) {
    kbdPassword = true;
    kbdAt = [...kbd.at, ...pam.at];
  }
  let on: boolean;
  if (password.value) {
    on = true;
    if (kbdPassword) at.push(...kbdAt);
  } else if (kbdPassword === undefined) {
    const bad = (!kbd.known ? kbd : pam) as { reason: string };
    return unknown(`keyboard-interactive logins undecided: ${bad.reason}`, ...at);
  } else {
    on = kbdPassword;
    at.push(...kbdAt);
  }
  if (on && methods.global) {
    const lists = methods.global.args.map((a) => a.split(","));
    const any = lists.length === 1 && lists[0]?.length === 1 && lists[0][0] === "any";
    if (!any) {
      // a password alone is enough only if some list holds nothing but password methods
      const passwordAlone = lists.some((l) =>
        l.every((m) => m === "password" || m.startsWith("keyboard-interactive")),
      );
      at.push(r.origin(methods.global));
      if (!passwordAlone) on = false;
    }
  }
  for (const d of methods.conditional) notes.push(r.conditionalOrigin(d));
  return known(on, ...at, ...notes);
}

function rootPasswordLogins(
  r: SshdReader,
  rootLogin: SshdValue,
  password: Fact<boolean>,
): Fact<boolean> {
  const notes = rootLogin.conditional.map((d) => r.conditionalOrigin(d));
  let value = "prohibit-password";
  let origin: ConfigOrigin = r.implied(
    "PermitRootLogin",
    "prohibit-password (OpenSSH 7.0 and later)",
  );
  if (rootLogin.global) {
    value = (rootLogin.global.args[0] ?? "").toLowerCase();
    origin = r.origin(rootLogin.global);
    if (!ROOT_LOGIN_VALUES.includes(value)) {
      return unknown(
        `PermitRootLogin '${value}' is not a valid value: sshd refuses to start`,
        origin,
      );
    }
  }
  if (value !== "yes") return known(false, origin, ...notes);
  if (!password.known) return unknown(`password logins undecided: ${password.reason}`, origin);
  return known(password.value, origin, ...password.at, ...notes);
}

/** `addr`, `addr:port`, `[v6]:port`, `v6` (ListenAddress; `rdomain x` after it is ignored). */
function parseListenAddress(arg: string): { host: string; port?: number } | undefined {
  const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(arg);
  if (br) return { host: br[1] as string, ...(br[2] ? { port: Number(br[2]) } : {}) };
  const colons = (arg.match(/:/g) ?? []).length;
  if (colons === 1) {
    const [host, port] = arg.split(":");
    if (!/^\d+$/.test(port ?? "")) return undefined;
    return { host: host as string, port: Number(port) };
  }
  return { host: arg };
}

function scopeOf(host: string): BindScope {
  const h = host.toLowerCase();
  if (h === "0.0.0.0" || h === "::" || h === "*" || h === "") return "any";
  if (h.startsWith("127.") || h === "::1" || h === "localhost") return "loopback";
  return "specific";
}

function listenFacts(
  r: SshdReader,
  cfg: SshdConfig,
): { ports: Fact<PortRange[]>; bind: Fact<BindScope> } {
  const portLines = cfg.directives.filter((d) => d.keyword === "port" && !d.match);
  const listenLines = cfg.directives.filter((d) => d.keyword === "listenaddress" && !d.match);
  const portNumbers: number[] = [];
  for (const d of portLines) {
    const n = Number(d.args[0]);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      const why = unknown(`unreadable Port '${d.args.join(" ")}'`, r.origin(d));
      return { ports: why, bind: why };
    }
    if (!portNumbers.includes(n)) portNumbers.push(n);
  }
  const portOrigins = portLines.length
    ? portLines.map((d) => r.origin(d))
    : [r.implied("Port", "22")];
  const basePorts = portNumbers.length ? portNumbers : [22];

  if (listenLines.length === 0) {
    return {
      ports: known(
        basePorts.map((p) => ({ from: p, to: p, transport: "tcp" as const })),
        ...portOrigins,
      ),
      bind: known("any", r.implied("ListenAddress", "every address (0.0.0.0 and ::)")),
    };
  }
  const ports = new Set<number>();
  const scopes = new Set<BindScope>();
  let usesPortLines = false;
  for (const d of listenLines) {
    const la = parseListenAddress(d.args[0] ?? "");
    if (!la) {
      const why = unknown(`unreadable ListenAddress '${d.args.join(" ")}'`, r.origin(d));
      return { ports: why, bind: why };
    }
    scopes.add(scopeOf(la.host));
    if (la.port !== undefined) ports.add(la.port);
    else {
      usesPortLines = true;
      for (const p of basePorts) ports.add(p);
    }
  }
  const listenOrigins = listenLines.map((d) => r.origin(d));
  const bind: BindScope = scopes.has("any")
    ? "any"
    : scopes.size === 1 && scopes.has("loopback")
      ? "loopback"
      : "specific";
  return {
    ports: known(
      [...ports].map((p) => ({ from: p, to: p, transport: "tcp" as const })),
      ...(usesPortLines ? portOrigins : []),
      ...listenOrigins,
    ),
    bind: known(bind, ...listenOrigins),
  };
}

/** root's authorized keys, per AuthorizedKeysFile (%h → /root, %u → root, relative to the home). */
function rootAuthorizedKeys(ctx: ExtractContext, r: SshdReader, cfg: SshdConfig): Fact<number> {
  const v = lookup(cfg, "authorizedkeysfile");
  const args = v.global?.args ?? [".ssh/authorized_keys", ".ssh/authorized_keys2"];
  if (args.length === 1 && args[0]?.toLowerCase() === "none") {
    return known(0, r.origin(v.global as SshdDirective));
  }
  const paths = args.map((a) => {
    const p = a.replace(/%%|%h|%u|%U/g, (t) =>
      t === "%%" ? "%" : t === "%h" ? "/root" : t === "%u" ? "root" : "0",
    );
    return p.startsWith("/") ? p.slice(1) : `root/${p}`;
  });
  let total = 0;
  const found: ConfigOrigin[] = [];
  for (const p of paths) {
    const file = ctx.readFile(p, "authorized_keys");
    if (!file) continue;
    const n = file.text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#")).length;
    total += n;
    found.push({ kind: "config", file: file.file, excerpt: `${n} public key(s) for root` });
  }
  if (found.length) return known(total, ...found);
  const dirs = [...new Set(paths.map((p) => p.slice(0, p.lastIndexOf("/"))))];
  const holding = dirs.find((d) => ctx.tree.list(d).length > 0);
  if (holding) {
    return known(0, {
      kind: "config",
      file: ctx.tree.display(holding),
      excerpt: `no ${paths.map((p) => p.slice(p.lastIndexOf("/") + 1)).join(" or ")} for root`,
    });
  }
  return unknown(`no ${paths.join(" or ")} in the input (root's authorized keys)`);
}
