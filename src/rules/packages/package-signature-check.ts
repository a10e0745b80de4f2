import { known, unknown } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { devicePath, lineOf } from "../cellular/kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Fix, Rule } from "../types.js";

function enableFix(origin: Parameters<typeof devicePath>[0]): Fix {
  const path = devicePath(origin, "/etc/opkg.conf");
  const line = lineOf(origin);
  if (path.startsWith("/etc/apk/"))
    return {
      summary:
        "Remove 'allow-untrusted' so that apk verifies repository signatures again, then refresh:",
      commands: {
        language: "shell",
        lines: [`sed -i '${line ?? "/allow-untrusted/"}d' ${path}`, "apk update"],
      },
    };
  return {
    summary:
      "Make opkg verify the signed package lists (the feeds' keys must be in /etc/opkg/keys; add missing ones with opkg-key add), then refresh:",
    commands: {
      language: "shell",
      lines: [
        line
          ? `sed -i '${line}s/.*/option check_signature/' ${path}`
          : `echo 'option check_signature' >> ${path}`,
        "opkg update",
      ],
    },
  };
}

export const packageSignatureCheck: Rule = {
  meta: {
    id: "package-signature-check",
    title: "The package manager verifies package signatures",
    severity: "high",
    guidelines: ["TEL-03"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "Without signature checking, whoever can alter a feed or the traffic to it (plain-HTTP feeds, a spoofed DNS answer) can install code that runs as root. opkg verifies the signed package lists only when /etc/opkg.conf says 'option check_signature'.",
    remediation:
      "Enable signature checking ('option check_signature' in /etc/opkg.conf; no 'allow-untrusted' for apk) and keep the vendors' keys installed.",
  },
  check(facts) {
    const pk = facts.packages;
    if (!pk.known) return [unknownFrom(pk, "Package signature checking")];
    const sig = pk.value.signatureCheck;
    if (!sig.known) return [unknownFrom(sig, "Package signature checking")];
    if (sig.value) return [pass("package signatures are verified", sig.at)];
    return [
      fail(
        "package signatures are not verified: a tampered feed or download installs code that runs as root",
        sig.at,
        enableFix(sig.at.find((o) => o.kind === "config")),
      ),
    ];
  },
  cases: [
    {
      name: "check_signature absent",
      facts: (f) => {
        asRouter(f);
        f.packages = known(
          {
            feeds: [],
            signatureCheck: known(false, {
              ...at("no 'option check_signature'", undefined, "case/etc/opkg.conf"),
              line: undefined,
              implied: true,
            }),
          },
          at("opkg.conf"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "check_signature set",
      facts: (f) => {
        asRouter(f);
        f.packages = known(
          {
            feeds: [],
            signatureCheck: known(true, at("option check_signature", 5, "case/etc/opkg.conf")),
          },
          at("opkg.conf"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "opkg.conf missing",
      facts: (f) => {
        asRouter(f);
        f.packages = known({ feeds: [], signatureCheck: unknown("no etc/opkg.conf") }, at("feeds"));
      },
      expect: ["unknown"],
    },
  ],
};
