import { advisoryData } from "../../advisories/data.js";
import { compareVersionText } from "../../advisories/version.js";
import type { AdvisoryMatch, Facts, Service } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import { asScannedWith, probeAt, scannedService } from "../probe-kit.js";
import { type Finding, type Fix, type Rule, SEVERITIES, type Severity } from "../types.js";

/**
 * A match on a distribution package ("OpenSSH_9.2p1 Debian-2+deb12u3") is possible, not certain:
 * the distribution usually backports fixes within days without changing the upstream version.
 * Reported at this severity at most, as a prompt to check the distribution's security tracker.
 */
const BACKPORT_CAP: Severity = "low";

function worst(matches: readonly AdvisoryMatch[]): Severity {
  return matches.reduce<Severity>(
    (w, m) => (SEVERITIES.indexOf(m.severity) > SEVERITIES.indexOf(w) ? m.severity : w),
    "low",
  );
}

/** The newest fixed version among the matches: updating to it clears them all. */
function target(matches: readonly AdvisoryMatch[]): string | undefined {
  return matches
    .flatMap((m) => (m.fixedIn ? [m.fixedIn] : []))
    .reduce<string | undefined>(
      (a, b) => (a === undefined || compareVersionText(b, a) > 0 ? b : a),
      undefined,
    );
}

function productName(product: string): string {
  return advisoryData().products[product]?.name ?? product;
}

/** Software a device's vendor ships inside its firmware (Dropbear, lighttpd on a router). */
function inFirmware(facts: Facts, product: string): boolean {
  const cls = facts.device.class.known ? facts.device.class.value : undefined;
  return (
    advisoryData().products[product]?.embedded === true || cls === "router" || cls === "intercom"
  );
}

function fixFor(facts: Facts, s: Service, matches: readonly AdvisoryMatch[]): Fix {
  const m = matches[0] as AdvisoryMatch;
  const name = productName(m.product);
  const to = target(matches);
  const version = to ? ` ${to} or later` : " a release newer than the affected ones";
  if (matches.every((x) => x.distribution))
    return {
      summary: `Check the distribution's security tracker for ${matches.map((x) => x.id).join("; ")} and install its updated ${name} package (apt-get update && apt-get upgrade, or the distribution's equivalent); upstream fixed them in${version}.`,
    };
  if (inFirmware(facts, m.product))
    return {
      summary: `Install the vendor's newest firmware (it must ship ${name}${version}), after testing it on a spare device (TEL-25); if the vendor has none, restrict ${s.label} to trusted addresses until it does.`,
    };
  return { summary: `Update ${name} to${version} (the package manager, or the vendor's release).` };
}

function describe(m: AdvisoryMatch): string {
  return `${m.id} (${m.severity}${m.fixedIn ? `, fixed in ${m.fixedIn}` : ""})`;
}

function judge(facts: Facts, s: Service): Finding | undefined {
  const adv = s.advisories;
  if (!adv) return undefined;
  const subject = s.label;
  if (!adv.known) return undecided(`${subject}: ${adv.reason}`, adv.at, { subject });
  const data = advisoryData();
  const sw = s.software?.known ? s.software.value : undefined;
  const what = sw ? `${productName(sw.product)} ${sw.version ?? ""}`.trim() : "its software";
  if (adv.value.length === 0)
    return pass(
      `${subject}: no advisory in data/advisories.json (updated ${data.updated}) covers ${what}`,
      adv.at,
      { subject },
    );
  const matches = adv.value;
  const possible = matches.every((m) => m.distribution);
  const list = matches.map(describe).join("; ");
  const severity =
    possible && SEVERITIES.indexOf(worst(matches)) > SEVERITIES.indexOf(BACKPORT_CAP)
      ? BACKPORT_CAP
      : worst(matches);
  const message = possible
    ? `${subject}: ${what} is possibly affected by ${list}: ${matches[0]?.distribution}, and distributions backport fixes without changing the upstream version, so the package may already carry them`
    : `${subject}: ${what} is affected by ${list}`;
  return fail(message, adv.at, fixFor(facts, s, matches), { subject, severity });
}

export const softwareKnownVulnerable: Rule = {
  meta: {
    id: "software-known-vulnerable",
    title: "Services announce no software version with a published vulnerability",
    severity: "high",
    guidelines: ["TEL-01", "BAS-07"],
    modes: ["probe"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "A version a service announces (SSH banner, Server header, SIP User-Agent) tells attackers which published exploits apply; outdated daemons are what firmware and package updates fix.",
    remediation:
      "Update the software (or the device's firmware) to a release with the fixes; where the version carries a distribution suffix, install the distribution's security updates.",
  },
  check(facts) {
    const out = facts.services.flatMap((s) => judge(facts, s) ?? []);
    if (out.length > 0) return out;
    if (facts.target.kind !== "probe")
      return [
        notApplicable(
          "announced software versions are seen by a scan (bulwark scan), not in a configuration",
        ),
      ];
    return [undecided("no service announced a software version this scan could look up")];
  },
  cases: [
    {
      name: "regreSSHion on a plain OpenSSH",
      facts: (f) => {
        const at = probeAt(22, "SSH-2.0-OpenSSH_9.6p1", "ssh-ident");
        asScannedWith(
          f,
          scannedService({
            kind: "ssh",
            port: 22,
            software: known(
              { product: "openssh", version: "9.6p1", raw: "SSH-2.0-OpenSSH_9.6p1" },
              at,
            ),
            advisories: known(
              [
                {
                  id: "CVE-2024-6387",
                  product: "openssh",
                  version: "9.6p1",
                  severity: "high",
                  summary: "regreSSHion",
                  fixedIn: "9.8p1",
                },
              ],
              at,
            ),
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "Debian package: possibly backported",
      facts: (f) => {
        const raw = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";
        const at = probeAt(22, raw, "ssh-ident");
        asScannedWith(
          f,
          scannedService({
            kind: "ssh",
            port: 22,
            software: known({ product: "openssh", version: "9.2p1", raw }, at),
            advisories: known(
              [
                {
                  id: "CVE-2024-6387",
                  product: "openssh",
                  version: "9.2p1",
                  severity: "high",
                  summary: "regreSSHion",
                  fixedIn: "9.8p1",
                  distribution: "its banner names 'Debian-2+deb12u3'",
                },
              ],
              at,
            ),
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "current version",
      facts: (f) => {
        const at = probeAt(22, "SSH-2.0-OpenSSH_10.0", "ssh-ident");
        asScannedWith(
          f,
          scannedService({
            kind: "ssh",
            port: 22,
            software: known(
              { product: "openssh", version: "10.0", raw: "SSH-2.0-OpenSSH_10.0" },
              at,
            ),
            advisories: known([], at),
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "version not announced",
      facts: (f) => {
        const at = probeAt(80, "Server: nginx", "http-get");
        asScannedWith(
          f,
          scannedService({
            kind: "http",
            port: 80,
            software: known({ product: "nginx", raw: "Server: nginx" }, at),
            advisories: unknown("nginx did not announce its version", at),
          }),
        );
      },
      expect: ["unknown"],
    },
  ],
};
