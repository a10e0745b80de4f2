import type { PackageFeed, PackageSourceFacts } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { devicePath, lineOf } from "../cellular/kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Fix, Rule } from "../types.js";

function feedFile(f: PackageFeed): { path: string; line?: number } {
  return { path: devicePath(f.at[0], "/etc/opkg/customfeeds.conf"), line: lineOf(f.at[0]) };
}

function update(path: string): string {
  return path.startsWith("/etc/apk/") ? "apk update" : "opkg update";
}

function removeFix(f: PackageFeed): Fix {
  const { path, line } = feedFile(f);
  return {
    summary: `Remove the third-party feed '${f.name}' (comment its line out), then refresh the package lists:`,
    commands: {
      language: "shell",
      lines: [`sed -i '${line ?? `\\|${f.url}|`}s|^|# |' ${path}`, update(path)],
    },
  };
}

function httpsFix(f: PackageFeed): Fix {
  const { path, line } = feedFile(f);
  return {
    summary: `Fetch the feed '${f.name}' over HTTPS, then refresh the package lists:`,
    commands: {
      language: "shell",
      lines: [`sed -i '${line ?? ""}s|http://|https://|' ${path}`, update(path)],
    },
  };
}

export const packageFeedsTrusted: Rule = {
  meta: {
    id: "package-feeds-trusted",
    title: "Packages come only from the vendor's feeds, over HTTPS",
    severity: "high",
    guidelines: ["TEL-03"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A package runs as root on the router. A third-party feed can serve anything, and a feed fetched over plain HTTP can be altered or held back by anyone on the path (signatures, where checked, stop alteration but not replay of old, vulnerable package lists). Teltonika's guide asks to install packages only from known and trusted sources.",
    remediation:
      "Keep only OpenWrt's or Teltonika's own feeds, fetched over HTTPS, and remove third-party feeds.",
  },
  check(facts) {
    const pk = facts.packages;
    if (!pk.known) return [unknownFrom(pk, "Package feeds")];
    const { feeds, signatureCheck } = pk.value;
    if (feeds.length === 0) return [pass("no package feed is configured", pk.at)];
    const signed = signatureCheck.known && signatureCheck.value;
    return feeds.map((f) => {
      const subject = `feed '${f.name}'`;
      const plain = /^http:\/\//i.test(f.url) || /^ftp:\/\//i.test(f.url);
      if (!f.official)
        return fail(
          `third-party package feed ${f.url}${plain ? ", fetched in clear text" : ""}`,
          f.at,
          removeFix(f),
          { subject, severity: plain && !signed ? "critical" : undefined },
        );
      if (plain)
        return fail(
          `the vendor feed is fetched over plain HTTP (${f.url})${signed ? "; signatures are checked, so the risk is replay of old package lists" : " and signatures are not checked"}`,
          [...f.at, ...signatureCheck.at],
          httpsFix(f),
          { subject, severity: signed ? "low" : "high" },
        );
      return pass(`vendor feed over HTTPS (${f.url})`, f.at, { subject });
    });
  },
  cases: [
    {
      name: "third-party feed",
      facts: (f) => {
        asRouter(f);
        f.packages = known(
          src([feed("cheap", "http://packages.example.net/rutx", false)], false),
          at("opkg"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "vendor feed over plain HTTP with signatures checked",
      facts: (f) => {
        asRouter(f);
        f.packages = known(
          src([feed("tlt_packages", "http://opkg.teltonika-networks.com/abc", true)], true),
          at("opkg"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "vendor feeds over HTTPS",
      facts: (f) => {
        asRouter(f, "openwrt");
        f.packages = known(
          src(
            [
              feed(
                "openwrt_core",
                "https://downloads.openwrt.org/releases/23.05.5/targets/ath79/generic/packages",
                true,
              ),
              feed("tlt", "https://opkg.teltonika-networks.com/abc/rutx/7.04", true),
            ],
            true,
          ),
          at("opkg"),
        );
      },
      expect: ["pass", "pass"],
    },
  ],
};

function feed(name: string, url: string, official: boolean): PackageFeed {
  return {
    name,
    url,
    official,
    at: [at(`src/gz ${name} ${url}`, 2, "case/etc/opkg/customfeeds.conf")],
  };
}

function src(feeds: PackageFeed[], signed: boolean): PackageSourceFacts {
  return {
    feeds,
    signatureCheck: known(signed, at(signed ? "option check_signature" : "no check_signature")),
  };
}
