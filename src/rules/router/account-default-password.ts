import type { Facts, Service } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import { asScannedWith, probeAt, scannedService } from "../probe-kit.js";
import type { Finding, Rule } from "../types.js";
import { caseAccount, describe, loginAccounts, passwordFix } from "./account-kit.js";

/**
 * What `bulwark scan --try-default-credentials` found, per login. A refusal means "the few
 * factory defaults tried were refused", never "the password is strong": the pass says so.
 */
function probeVerdicts(facts: Facts): Finding[] {
  const out: Finding[] = [];
  for (const s of facts.services) {
    const d = s.auth.defaultCredential;
    const tried = d?.at.some(
      (o) => o.kind === "probe" && o.probe.startsWith("default-credentials"),
    );
    if (!d || !tried) continue;
    const subject = s.label;
    const said = d.at.map((o) => ("excerpt" in o ? o.excerpt : undefined)).find(Boolean);
    if (!d.known) out.push(undecided(`${subject}: ${d.reason}`, d.at, { subject }));
    else if (d.value)
      out.push(
        fail(
          `${subject} ${said ?? "accepted a factory-default password"}`,
          d.at,
          {
            summary: `Change the password of this login now (the WebUI's administration page, or passwd over SSH), then check again with bulwark scan --try-default-credentials.`,
          },
          { subject },
        ),
      );
    else
      out.push(
        pass(
          `${subject}: ${said ?? "the factory defaults tried were refused"} (this rules out those defaults only, not a weak password)`,
          d.at,
          { subject },
        ),
      );
  }
  return out;
}

/** A login a scan tried the factory defaults on, over `login` (ssh, luci...), and the outcome. */
function triedDefaults(login: string, port: number, accepted: boolean, said: string): Service {
  return scannedService({
    kind: login === "ssh" ? "ssh" : "http",
    port,
    auth: {
      defaultCredential: known(accepted, probeAt(port, said, `default-credentials:${login}`)),
    },
  });
}

/** The configuration's accounts: a stored hash or plaintext that is a factory default. */
function fromAccounts(facts: Facts): Finding[] {
  if (!facts.accounts.known) return [];
  const out: Finding[] = [];
  let undecidable = 0;
  for (const a of loginAccounts(facts)) {
    if (!a.password.known) continue;
    const p = a.password.value;
    const isDefault = p.isDefault ?? p.quality?.isDefault;
    if (isDefault) {
      out.push(
        fail(
          `${describe(a)} uses a factory-default password (${p.quality ? "a known default" : "its stored hash matches a known default"})`,
          a.password.at,
          passwordFix(
            a,
            a.scope === "system"
              ? `Change it: passwd ${a.name}`
              : "Change the password of this login in the WebUI",
          ),
          { subject: describe(a) },
        ),
      );
    } else if (p.state === "set" && isDefault === undefined) undecidable++;
  }
  if (out.length) return out;
  if (undecidable > 0)
    return [
      undecided(
        `${undecidable} password(s) could not be compared with the defaults`,
        facts.accounts.at,
      ),
    ];
  return [pass("no account uses a known default password", facts.accounts.at)];
}

export const accountDefaultPassword: Rule = {
  meta: {
    id: "account-default-password",
    title: "No account still uses a factory-default password",
    severity: "critical",
    guidelines: ["TEL-02", "BAS-06", "WAZ-06"],
    modes: ["config", "probe"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "Factory passwords are published in manuals and firmware sources; bots try them first.",
    remediation: "Change the password to a strong, unique one.",
  },
  check(facts) {
    const probed = probeVerdicts(facts);
    if (!facts.accounts.known) {
      if (probed.length > 0) return probed;
      if (facts.target.kind === "probe")
        return [
          undecided(
            "no factory default was tried on this device's logins (bulwark scan --try-default-credentials tries a few)",
          ),
        ];
      return [unknownFrom(facts.accounts, "Default passwords")];
    }
    return [...fromAccounts(facts), ...probed];
  },
  cases: [
    {
      name: "factory hash",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [
            caseAccount(
              "root",
              known({ state: "set", hash: "md5-crypt", isDefault: true }, at("root:$1$")),
            ),
          ],
          at("shadow"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "changed",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [
            caseAccount(
              "root",
              known({ state: "set", hash: "sha512-crypt", isDefault: false }, at("root:$6$")),
            ),
          ],
          at("shadow"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scan: SSH accepted the Teltonika default",
      facts: (f) =>
        asScannedWith(
          f,
          triedDefaults(
            "ssh",
            22,
            true,
            "accepted the Teltonika factory default for user root over ssh (data/default-credentials.json)",
          ),
        ),
      expect: ["fail"],
    },
    {
      name: "scan: the defaults tried were refused",
      facts: (f) =>
        asScannedWith(
          f,
          triedDefaults(
            "luci",
            80,
            false,
            "the 3 factory default(s) tried over luci were refused (...); no other password was tried",
          ),
        ),
      expect: ["pass"],
    },
    {
      name: "scan without --try-default-credentials",
      facts: (f) => asScannedWith(f, scannedService({ kind: "ssh", port: 22 })),
      expect: ["unknown"],
    },
  ],
};
