/**
 * Version comparison on the strings daemons really announce, the bundled advisory data, the
 * matcher (including the "possibly backported" case for distribution packages), the scan facts it
 * fills, and the software-known-vulnerable rule on top.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advisoryData, parseAdvisoryData } from "../src/advisories/data.js";
import { distributionIn, matchAdvisories } from "../src/advisories/match.js";
import {
  compareVersions,
  compareVersionText,
  type ParsedVersion,
  parseVersion,
} from "../src/advisories/version.js";
import { DEFAULT_PROFILE } from "../src/engine/profile.js";
import { emptyFacts } from "../src/facts/empty.js";
import type { Service, SoftwareSeen } from "../src/facts/model.js";
import { known } from "../src/facts/value.js";
import { asScanned, probeAt, scannedService } from "../src/rules/probe-kit.js";
import { softwareKnownVulnerable } from "../src/rules/software/software-known-vulnerable.js";
import { applyAdvisories } from "../src/scan/advisory-facts.js";
import { softwareFrom } from "../src/scan/software.js";

const cmp = (a: string, b: string) => Math.sign(compareVersionText(a, b));

describe("version comparison", () => {
  it.each([
    // OpenSSH portable: p-levels, and a native OpenBSD version equals its p1 release.
    ["9.2p1", "9.8p1", -1],
    ["9.3p1", "9.3p2", -1],
    ["9.9p2", "9.9p1", 1],
    ["9.8", "9.8p1", 0],
    ["9.8", "9.8p2", -1],
    ["10.0p2", "9.9p2", 1],
    ["7.4p1", "7.10p1", -1],
    ["8.5p1", "8.5p1", 0],
    // Dropbear year.release.
    ["2022.83", "2024.84", -1],
    ["2019.78", "2019.77", 1],
    ["2016.74", "2016.74", 0],
    // Asterisk, and certified Asterisk after its base.
    ["18.20.0", "18.20.1", -1],
    ["18.9-cert5", "18.9-cert6", -1],
    ["18.9-cert11", "18.9-cert6", 1],
    ["18.9", "18.9-cert1", -1],
    ["20.7-cert2", "18.9-cert11", 1],
    // Web servers and brokers.
    ["1.22.1", "1.22.10", -1],
    ["1.4.69", "1.4.7", 1],
    ["2.0.11", "2.0.16", -1],
    ["2.0", "2.0.0", 0],
    // Pre-releases before the release, post-release letters after.
    ["1.0rc1", "1.0", -1],
    ["1.0beta2", "1.0rc1", -1],
    ["0.94.14rc21", "0.94.14", -1],
    ["1.1.1w", "1.1.1", 1],
    ["1.1.1v", "1.1.1w", -1],
    ["9.2p1", "9.2.1", -1],
    // Packaging words carry no order.
    ["1.10.9-release", "1.10.9", 0],
    ["v5.6.4", "5.6.4", 0],
  ] as const)("%s vs %s", (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
  });

  it("parses the version at the start of a banner comment, and refuses non-versions", () => {
    expect(parseVersion("9.2p1 Debian-2+deb12u3")?.text).toBe("9.2p1");
    expect(parseVersion("18.9-cert5")?.line).toBe("cert");
    expect(parseVersion("18.20.0")?.line).toBe("");
    expect(parseVersion("1.10.9-release~64bit")?.tokens).toEqual([1, 10, 9]);
    expect(parseVersion("1.4.59-1+deb11u2")?.text).toBe("1.4.59");
    expect(parseVersion("2.0.11-1ubuntu1")?.text).toBe("2.0.11");
    expect(parseVersion("GIT-master-abc123")).toBeUndefined();
    expect(parseVersion("")).toBeUndefined();
    expect(() => compareVersionText("1.0", "latest")).toThrow(/not a version/);
  });

  it("is a total order on generated versions (antisymmetric, transitive)", () => {
    const part = fc.oneof(
      fc.integer({ min: 0, max: 30 }).map(String),
      fc.constantFrom("p1", "p2", "rc1", "beta", "-cert3", "a", "w"),
    );
    const ver = fc
      .array(part, { minLength: 1, maxLength: 4 })
      .map((parts) => `${parts[0]?.replace(/^\D+/, "") || "1"}.${parts.slice(1).join(".")}`)
      .map((s) => s.replace(/\.+$/, "").replace(/\.-/, "-"))
      .filter((s) => parseVersion(s) !== undefined);
    const order = (a: string, b: string) =>
      Math.sign(
        compareVersions(parseVersion(a) as ParsedVersion, parseVersion(b) as ParsedVersion),
      );
    fc.assert(
      fc.property(ver, ver, ver, (a, b, c) => {
        const ab = order(a, b);
        expect(order(b, a)).toBe(-ab || 0);
        if (ab <= 0 && order(b, c) <= 0) expect(order(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("data/advisories.json", () => {
  const data = advisoryData();

  it("loads, is dated, and every entry has a source and a check note", () => {
    expect(data.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(data.advisories.length).toBeGreaterThanOrEqual(15);
    for (const a of data.advisories) {
      expect(a.source).toMatch(/^https:\/\//);
      expect(a.checked.length).toBeGreaterThan(10);
      for (const id of a.ids) expect(id).toMatch(/^(CVE-\d{4}-\d{4,}|GHSA-[\w-]+)$/);
    }
  });

  it("covers the software a scan identifies", () => {
    for (const p of ["openssh", "dropbear", "asterisk", "nginx", "lighttpd", "mosquitto"])
      expect(data.advisories.some((a) => a.product === p)).toBe(true);
  });

  it("rejects a malformed file, naming the entry", () => {
    const base = { updated: "2026-01-01", products: { x: { name: "X" } } };
    const entry = {
      ids: ["CVE-2000-0001"],
      product: "x",
      affected: [{ fixed: "1.0" }],
      severity: "high",
      severitySource: "test",
      summary: "a test summary",
      source: "https://example.org/a",
      checked: "test entry only",
    };
    expect(() => parseAdvisoryData({ ...base, advisories: [entry] })).not.toThrow();
    expect(() =>
      parseAdvisoryData({ ...base, advisories: [{ ...entry, product: "nope" }] }),
    ).toThrow(/advisories\.0\.product: unknown product 'nope'/);
    expect(() =>
      parseAdvisoryData({ ...base, advisories: [{ ...entry, affected: [{ introduced: "1.0" }] }] }),
    ).toThrow(/exactly one of 'fixed' and 'lastAffected'/);
    expect(() =>
      parseAdvisoryData({
        ...base,
        advisories: [{ ...entry, affected: [{ fixed: "not-a-version" }] }],
      }),
    ).toThrow(/not a version/);
    expect(() =>
      parseAdvisoryData({
        ...base,
        advisories: [{ ...entry, severity: "huge" }],
      }),
    ).toThrow(/severity/);
  });
});

/** The ids of the advisories matching a banner, as softwareFrom reads it. */
function idsFor(banner: string, host?: string): string[] {
  const sw = softwareFrom(banner);
  if (!sw) throw new Error(`no software in ${banner}`);
  const r = matchAdvisories(sw, host);
  if (r.status !== "matched") throw new Error(r.reason);
  return r.matches.flatMap((m) => m.id.split(", ")).filter((id) => id.startsWith("CVE"));
}

describe("matching announced versions", () => {
  it.each([
    ["SSH-2.0-OpenSSH_9.6p1", ["CVE-2024-6387", "CVE-2025-26466"]],
    ["SSH-2.0-OpenSSH_8.4p1", ["CVE-2023-48795"]],
    ["SSH-2.0-OpenSSH_9.8p1", ["CVE-2025-26466"]],
    ["SSH-2.0-OpenSSH_9.9p2", []],
    ["SSH-2.0-OpenSSH_10.0", []],
    ["SSH-2.0-OpenSSH_9.1", ["CVE-2024-6387", "CVE-2023-48795", "CVE-2023-25136"]],
    [
      "SSH-2.0-OpenSSH_7.2p2",
      ["CVE-2023-48795", "CVE-2018-15473", "CVE-2016-6210", "CVE-2016-10708"],
    ],
    ["SSH-2.0-OpenSSH_7.4p1", ["CVE-2023-48795", "CVE-2018-15473"]],
    ["SSH-2.0-dropbear_2022.82", ["CVE-2023-48795"]],
    ["SSH-2.0-dropbear_2024.86", ["CVE-2025-14282"]],
    ["SSH-2.0-dropbear_2025.89", []],
    [
      "SSH-2.0-dropbear_2016.72",
      ["CVE-2016-7406", "CVE-2017-9078", "CVE-2018-15599", "CVE-2019-12953", "CVE-2023-48795"],
    ],
    ["Server: Asterisk PBX 18.20.0", ["CVE-2023-49786", "CVE-2023-49294", "CVE-2024-42365"]],
    ["Server: Asterisk PBX 20.5.1", ["CVE-2024-42365"]],
    ["Server: Asterisk PBX 21.0.0", ["CVE-2023-49786", "CVE-2023-49294", "CVE-2024-42365"]],
    ["Server: Asterisk PBX 18.23.0", ["CVE-2024-42365", "CVE-2024-35190"]],
    ["Server: Asterisk PBX 22.1.0", []],
    // Certified Asterisk is judged by its own line only.
    [
      "User-Agent: Asterisk PBX certified/18.9-cert5",
      ["CVE-2023-49786", "CVE-2023-49294", "CVE-2024-42365"],
    ],
    ["User-Agent: Asterisk PBX certified/18.9-cert6", ["CVE-2024-42365"]],
    ["User-Agent: Asterisk PBX certified/20.7-cert1", ["CVE-2024-42365"]],
    ["User-Agent: Asterisk PBX certified/20.7-cert2", []],
    ["Server: nginx/1.22.1", ["CVE-2026-42945", "CVE-2026-9256"]],
    [
      "Server: nginx/1.22.0",
      ["CVE-2022-41741", "CVE-2022-41742", "CVE-2026-42945", "CVE-2026-9256"],
    ],
    ["Server: nginx/1.30.1", ["CVE-2026-9256"]],
    ["Server: nginx/1.31.0", ["CVE-2026-9256"]],
    ["Server: nginx/1.31.1", []],
    ["Server: lighttpd/1.4.63", ["CVE-2022-22707", "CVE-2022-41556"]],
    ["Server: lighttpd/1.4.69", []],
    ["mosquitto version 2.0.11", ["CVE-2023-0809", "CVE-2023-28366"]],
    ["mosquitto version 2.0.9", ["CVE-2023-0809", "CVE-2023-28366", "CVE-2021-28166"]],
    ["mosquitto version 1.4.15", ["CVE-2023-0809", "CVE-2023-28366", "CVE-2017-7654"]],
    ["User-Agent: kamailio (5.1.1 (x86_64/linux))", ["CVE-2018-8828", "CVE-2018-14767"]],
    ["User-Agent: kamailio (5.0.6 (x86_64/linux))", ["CVE-2018-14767"]],
    ["User-Agent: kamailio (5.6.4 (x86_64/linux))", []],
    ["User-Agent: FreeSWITCH-mod_sofia/1.10.9-release~64bit", ["CVE-2023-51443"]],
  ] as const)("%s", (banner, expected) => {
    expect(idsFor(banner).sort()).toEqual([...expected].sort());
  });

  it("reports the fixed version of the matching branch", () => {
    const r = matchAdvisories({
      product: "asterisk",
      version: "20.4.0",
      raw: "Asterisk PBX 20.4.0",
    });
    expect(r.status).toBe("matched");
    if (r.status !== "matched") return;
    const dtls = r.matches.find((m) => m.id.startsWith("CVE-2023-49786"));
    expect(dtls?.fixedIn).toBe("20.5.1");
    expect(dtls?.url).toMatch(/GHSA-hxj9-xwr8-w8pq/);
    const cert = matchAdvisories({ product: "asterisk", version: "18.9-cert5", raw: "x" });
    expect(
      cert.status === "matched" &&
        cert.matches.find((m) => m.id.startsWith("CVE-2023-49786"))?.fixedIn,
    ).toBe("18.9-cert6");
  });

  it("says why it cannot decide", () => {
    const r1 = matchAdvisories({ product: "uhttpd", raw: "uhttpd" });
    expect(r1).toMatchObject({
      status: "unknown",
      reason: expect.stringMatching(/no advisory data for uhttpd/),
    });
    const r2 = matchAdvisories({ product: "nginx", raw: "Server: nginx" });
    expect(r2).toMatchObject({ status: "unknown", reason: "nginx did not announce its version" });
    const r3 = matchAdvisories({ product: "nginx", version: "x1", raw: "nginx/x1" });
    expect(r3).toMatchObject({ status: "unknown", reason: expect.stringMatching(/not a version/) });
  });
});

describe("distribution packages", () => {
  it.each([
    ["SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "Debian-2+deb12u3"],
    ["SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10", "Ubuntu-3ubuntu0.10"],
    ["SSH-2.0-OpenSSH_8.4p1 Raspbian-5+deb11u3", "Raspbian-5+deb11u3"],
    ["SSH-2.0-OpenSSH_9.3 FreeBSD-20230316", "FreeBSD-20230316"],
    ["Server: Apache/2.4.57 (Debian)", "Debian"],
    ["Server: lighttpd/1.4.59-1+deb11u2", "+deb11u2"],
  ])("recognises %s", (text, marker) => {
    expect(distributionIn(text)).toBe(marker);
  });

  it.each(["SSH-2.0-dropbear_2022.83", "Server: nginx/1.22.1", "SSH-2.0-OpenSSH_9.6"])(
    "finds none in %s",
    (text) => {
      expect(distributionIn(text)).toBeUndefined();
    },
  );

  it("marks matches on a Debian package as possibly fixed by a backport", () => {
    const sw = softwareFrom("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3") as SoftwareSeen;
    const r = matchAdvisories(sw);
    expect(r.status === "matched" && r.matches.map((m) => m.distribution)).toEqual([
      "its banner names 'Debian-2+deb12u3'",
      "its banner names 'Debian-2+deb12u3'",
    ]);
  });
});

function svc(port: number, banner: string, kind: Service["kind"] = "ssh"): Service {
  const at = probeAt(port, banner, "banner");
  return scannedService({ kind, port, software: known(softwareFrom(banner) as SoftwareSeen, at) });
}

describe("scan facts and the rule", () => {
  const ctx = { profile: DEFAULT_PROFILE, now: new Date("2026-11-21T00:00:00Z") };

  it("fills advisories per service; a Debian SSH banner makes the host's nginx 'possibly' too", () => {
    const services = [
      svc(22, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
      svc(80, "Server: nginx/1.22.1", "http"),
      svc(8080, "Server: uhttpd", "http"),
      { ...svc(2222, "SSH-2.0-OpenSSH_9.9p2"), software: undefined },
    ];
    applyAdvisories(services);
    const [ssh, nginx, uhttpd, none] = services;
    expect(ssh?.advisories?.known && ssh.advisories.value.length).toBe(2);
    expect(nginx?.advisories?.known && nginx.advisories.value.every((m) => m.distribution)).toBe(
      true,
    );
    expect(nginx?.advisories?.known && nginx.advisories.value[0]?.distribution).toMatch(
      /another service of this host names 'Debian-2\+deb12u3'/,
    );
    expect(uhttpd?.advisories?.known).toBe(false);
    expect(none?.advisories).toBeUndefined();
    // Evidence is the probe that read the banner.
    expect(ssh?.advisories?.at[0]).toMatchObject({ kind: "probe", port: 22 });
  });

  it("fails an outdated Dropbear on a router with a firmware fix, at the worst advisory's severity", () => {
    const f = emptyFacts({ name: "192.0.2.10", kind: "probe" });
    asScanned(f, [[22, "open"]]);
    f.device.class = known("router", probeAt(22, "open: 22"));
    f.services.push(svc(22, "SSH-2.0-dropbear_2016.72"));
    applyAdvisories(f.services);
    const [finding] = softwareKnownVulnerable.check(f, ctx);
    expect(finding?.status).toBe("fail");
    expect(finding?.severity).toBe("critical");
    expect(finding?.message).toMatch(/Dropbear SSH 2016\.72 is affected by CVE-2016-7406/);
    expect(finding?.fix?.summary).toMatch(/newest firmware .*Dropbear SSH 2024\.84 or later/);
  });

  it("caps a distribution package at low severity and says 'possibly'", () => {
    const f = emptyFacts({ name: "192.0.2.10", kind: "probe" });
    asScanned(f, [[22, "open"]]);
    f.services.push(svc(22, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"));
    applyAdvisories(f.services);
    const [finding] = softwareKnownVulnerable.check(f, ctx);
    expect(finding?.status).toBe("fail");
    expect(finding?.severity).toBe("low");
    expect(finding?.message).toMatch(/possibly affected by CVE-2024-6387 .*backport/);
    expect(finding?.fix?.summary).toMatch(/distribution's security tracker/);
  });

  it("passes a current version and stays out of configuration audits", () => {
    const f = emptyFacts({ name: "192.0.2.10", kind: "probe" });
    f.services.push(svc(22, "SSH-2.0-OpenSSH_10.0"));
    applyAdvisories(f.services);
    expect(softwareKnownVulnerable.check(f, ctx).map((x) => x.status)).toEqual(["pass"]);
    const audit = emptyFacts({ name: "backup.tar.gz", kind: "backup" });
    expect(softwareKnownVulnerable.check(audit, ctx).map((x) => x.status)).toEqual([
      "not_applicable",
    ]);
    const silent = emptyFacts({ name: "192.0.2.10", kind: "probe" });
    expect(softwareKnownVulnerable.check(silent, ctx).map((x) => x.status)).toEqual(["unknown"]);
  });
});
