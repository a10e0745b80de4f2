/**
 * Where packages come from and whether their signatures are checked.
 *
 * opkg (OpenWrt up to 24.10, RutOS): feeds are `src/gz NAME URL` (or `src NAME URL`) lines in
 * /etc/opkg.conf and /etc/opkg/*.conf (distfeeds.conf, customfeeds.conf, RutOS teltonikafeeds.conf).
 * opkg verifies the signed package index only when /etc/opkg.conf says `option check_signature`;
 * OpenWrt's and Teltonika's build systems append that line when signature checking is configured
 * (CONFIG_SIGNED_PACKAGES / CONFIG_SIGNATURE_CHECK), so its absence means nothing is verified.
 *
 * apk (OpenWrt 25): repositories are URL lines in /etc/apk/repositories and
 * /etc/apk/repositories.d/*.list; apk verifies signatures unless told `allow-untrusted`
 * (in /etc/apk/config).
 */
import type { Facts, PackageFeed } from "../../facts/model.js";
import { type ConfigOrigin, type Fact, known, unknown } from "../../facts/value.js";
import type { RouterContext } from "./context.js";

/** Hosts run by the vendors: OpenWrt and Teltonika. */
const OFFICIAL_HOST_RE = /(^|\.)(openwrt\.org|teltonika-networks\.com|teltonika\.lt)$/i;

export function isOfficialFeed(url: string): boolean {
  try {
    return OFFICIAL_HOST_RE.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

interface Lines {
  file: string;
  lines: { n: number; text: string }[];
}

function linesOf(ctx: RouterContext, path: string, format: string): Lines | undefined {
  const f = ctx.readFile(path, format);
  if (!f) return undefined;
  return {
    file: f.file,
    lines: f.text
      .split("\n")
      .map((text, i) => ({ n: i + 1, text: text.trim() }))
      .filter((l) => l.text !== "" && !l.text.startsWith("#")),
  };
}

function opkgFeeds(src: Lines): PackageFeed[] {
  const out: PackageFeed[] = [];
  for (const l of src.lines) {
    const m = /^src(?:\/gz)?\s+(\S+)\s+(\S+)/.exec(l.text);
    if (!m) continue;
    const url = m[2] as string;
    out.push({
      name: m[1] as string,
      url,
      official: isOfficialFeed(url),
      at: [{ kind: "config", file: src.file, line: l.n, excerpt: l.text }],
    });
  }
  return out;
}

function opkgSignature(conf: Lines): Fact<boolean> {
  for (const l of conf.lines) {
    const m = /^option\s+check_signature(?:\s+(\S+))?/.exec(l.text);
    if (!m) continue;
    const v = (m[1] ?? "1").replace(/^['"]|['"]$/g, "").toLowerCase();
    const origin: ConfigOrigin = { kind: "config", file: conf.file, line: l.n, excerpt: l.text };
    if (["1", "true", "yes", "on"].includes(v)) return known(true, origin);
    if (["0", "false", "no", "off"].includes(v)) return known(false, origin);
    return unknown(`check_signature value '${v}' is not a boolean`, origin);
  }
  return known(false, {
    kind: "config",
    file: conf.file,
    excerpt: "no 'option check_signature': opkg does not verify package signatures",
    implied: true,
  });
}

export function extractPackages(ctx: RouterContext, facts: Facts): void {
  const feeds: PackageFeed[] = [];
  const conf = linesOf(ctx, "etc/opkg.conf", "opkg");
  if (conf) feeds.push(...opkgFeeds(conf));
  for (const name of ctx.tree.list("etc/opkg")) {
    if (!name.endsWith(".conf")) continue;
    const f = linesOf(ctx, `etc/opkg/${name}`, "opkg");
    if (f) feeds.push(...opkgFeeds(f));
  }

  const apkFiles: Lines[] = [];
  const repos = linesOf(ctx, "etc/apk/repositories", "apk");
  if (repos) apkFiles.push(repos);
  for (const name of ctx.tree.list("etc/apk/repositories.d")) {
    if (!name.endsWith(".list")) continue;
    const f = linesOf(ctx, `etc/apk/repositories.d/${name}`, "apk");
    if (f) apkFiles.push(f);
  }
  for (const f of apkFiles) {
    for (const l of f.lines) {
      const url = l.text.replace(/^@\S+\s+/, "");
      if (!/^[a-z]+:\/\//i.test(url)) continue;
      const name =
        url
          .replace(/\/(packages\.adb)?$/, "")
          .split("/")
          .pop() ?? url;
      feeds.push({
        name,
        url,
        official: isOfficialFeed(url),
        at: [{ kind: "config", file: f.file, line: l.n, excerpt: l.text }],
      });
    }
  }

  let signatureCheck: Fact<boolean>;
  if (conf) signatureCheck = opkgSignature(conf);
  else if (apkFiles.length) {
    const apkConf = linesOf(ctx, "etc/apk/config", "apk");
    const untrusted = apkConf?.lines.find((l) => /^(--)?allow-untrusted\b/.test(l.text));
    signatureCheck =
      apkConf && untrusted
        ? known(false, {
            kind: "config",
            file: apkConf.file,
            line: untrusted.n,
            excerpt: untrusted.text,
          })
        : known(true, {
            kind: "config",
            file: apkConf?.file ?? (apkFiles[0] as Lines).file,
            excerpt: "apk verifies repository signatures (no allow-untrusted)",
            implied: true,
          });
  } else signatureCheck = unknown("no etc/opkg.conf in the input");

  if (!conf && apkFiles.length === 0 && feeds.length === 0) {
    facts.packages = unknown(
      "no package manager configuration (etc/opkg.conf, etc/opkg/*.conf, etc/apk/repositories*) in the input",
    );
    return;
  }
  facts.packages = known(
    { feeds, signatureCheck },
    ...(conf ? [{ kind: "config" as const, file: conf.file }] : []),
    ...feeds.flatMap((f) => f.at),
  );
}
