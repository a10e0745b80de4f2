/**
 * Which advisories of data/advisories.json cover a piece of software seen on the network.
 *
 * Distribution packages: Debian, Ubuntu, Red Hat, FreeBSD... fix their packages by backporting
 * the patch and keep the upstream version, so "OpenSSH_9.2p1 Debian-2+deb12u3" may well carry
 * the regreSSHion fix although 9.2p1 is in its range. When the announced text (or, for a server
 * that does not say, another banner of the same host) names a distribution, each match carries
 * `distribution` and the rule reports it as "possibly affected", at low severity, never as a
 * plain finding.
 */
import type { AdvisoryMatch, SoftwareSeen } from "../facts/model.js";
import { type Advisory, type AdvisoryData, type AdvisoryRange, advisoryData } from "./data.js";
import { compareVersions, type ParsedVersion, parseVersion } from "./version.js";

/**
 * Distribution package markers as servers announce them: OpenSSH's banner comment
 * ("Debian-2+deb12u3", "Ubuntu-3ubuntu13.5", "Raspbian-5+deb11u1", "FreeBSD-20230316"), Apache's
 * "(Debian)" / "(Red Hat)", package revisions ("+deb12u1", "-1ubuntu0.3", ".el9").
 */
const DISTRIBUTION =
  /\b(?:Debian|Ubuntu|Raspbian|Devuan|Kali|Red ?Hat|CentOS|Rocky|AlmaLinux|Fedora|SUSE|openSUSE|Alpine|FreeBSD|NetBSD|Gentoo|Armbian)\b[^\s;)]*|\+deb\d+u\d+|\d+ubuntu[\d.]+|\.el\d+(?:_\d+)?\b/i;

/** The distribution marker in a banner or header, as written there; undefined when none. */
export function distributionIn(text: string): string | undefined {
  return DISTRIBUTION.exec(text)?.[0];
}

export type MatchResult =
  | { status: "matched"; matches: AdvisoryMatch[] }
  | { status: "unknown"; reason: string };

function inRange(v: ParsedVersion, r: AdvisoryRange): boolean {
  const bounds = [r.introduced, r.fixed, r.lastAffected].flatMap((b) =>
    b === undefined ? [] : [parseVersion(b) as ParsedVersion],
  );
  // A range belongs to the release line its bounds name ("" = the main line).
  const line = bounds.find((b) => b.line !== "")?.line ?? "";
  if (v.line !== line) return false;
  const lower = r.introduced === undefined ? undefined : parseVersion(r.introduced);
  if (lower && compareVersions(v, lower) < 0) return false;
  if (r.fixed !== undefined) return compareVersions(v, parseVersion(r.fixed) as ParsedVersion) < 0;
  return compareVersions(v, parseVersion(r.lastAffected as string) as ParsedVersion) <= 0;
}

function toMatch(
  a: Advisory,
  r: AdvisoryRange,
  sw: SoftwareSeen & { version: string },
  distribution: string | undefined,
): AdvisoryMatch {
  return {
    id: a.ids.join(", "),
    product: sw.product,
    version: sw.version,
    severity: a.severity,
    summary: a.name ? `${a.name}: ${a.summary}` : a.summary,
    ...(r.fixed ? { fixedIn: r.fixed } : {}),
    url: a.source,
    ...(distribution ? { distribution } : {}),
  };
}

/**
 * The advisories covering `sw`. Unknown (with the reason) when the data has no entry for the
 * product, or the version was not announced or is not a version. `hostDistribution` is a
 * distribution another banner of the same host named, used when `sw.raw` names none.
 */
export function matchAdvisories(
  sw: SoftwareSeen,
  hostDistribution?: string,
  data: AdvisoryData = advisoryData(),
): MatchResult {
  const product = data.products[sw.product];
  if (!product)
    return {
      status: "unknown",
      reason: `no advisory data for ${sw.product} (data/advisories.json, updated ${data.updated})`,
    };
  if (!sw.version)
    return { status: "unknown", reason: `${product.name} did not announce its version` };
  const v = parseVersion(sw.version);
  if (!v)
    return {
      status: "unknown",
      reason: `${product.name} announced '${sw.version}', which is not a version this tool compares`,
    };
  const own = distributionIn(sw.raw);
  const distribution = own
    ? `its banner names '${own}'`
    : hostDistribution
      ? `another service of this host names '${hostDistribution}'`
      : undefined;
  const matches: AdvisoryMatch[] = [];
  for (const a of data.advisories) {
    if (a.product !== sw.product) continue;
    const range = a.affected.find((r) => inRange(v, r));
    if (range) matches.push(toMatch(a, range, { ...sw, version: sw.version }, distribution));
  }
  return { status: "matched", matches };
}
