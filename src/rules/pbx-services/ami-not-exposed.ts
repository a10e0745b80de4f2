import type { Facts, ScanCoverage } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import {
  answeredOn,
  asScanned,
  asScannedWith,
  probeAt,
  probedService,
  scanEvidence,
  scannedLoopback,
  scannedService,
  scanOf,
  silentPort,
} from "../probe-kit.js";
import type { Finding, Rule } from "../types.js";
import { amiListeners, asPbx, describeBind, EXPOSED_SCOPES, generalRef, withAmi } from "./kit.js";

/**
 * From a scan: an AMI that answered a scanner on another host listens beyond the loopback address
 * (a scan of 127.0.0.1 itself proves nothing); a silent 5038/tcp is a pass as far as it goes.
 */
function judgeScanned(facts: Facts, scan: ScanCoverage): Finding[] {
  const amis = facts.services.filter((s) => s.kind === "ami" && probedService(s));
  if (scannedLoopback(scan))
    return [
      undecided(
        `the scan targeted the loopback address ${scan.address}: AMI answering there says nothing about other networks`,
        scanEvidence(facts),
      ),
    ];
  if (amis.length === 0) return [silentPort(facts, scan, 5038, "Asterisk Manager Interface")];
  return amis.map((s) =>
    fail(
      `AMI answered the scanner at ${scan.address} on ${answeredOn(s)}: it listens beyond the loopback address, so anyone who reaches that port can try to log in to the PBX's control interface`,
      s.enabled.at,
      asteriskFix("Bind AMI to the loopback address; reach it through an SSH tunnel or VPN:", [
        {
          ref: { language: "asterisk", file: "/etc/asterisk/manager.conf", section: "general" },
          set: [["bindaddr", "127.0.0.1"]],
        },
      ]),
      { subject: `AMI ${answeredOn(s)}` },
    ),
  );
}

export const amiNotExposed: Rule = {
  meta: {
    id: "ami-not-exposed",
    title: "The Asterisk Manager Interface listens on the loopback address only",
    severity: "high",
    guidelines: ["WAZ-07", "VPX-03"],
    modes: ["config", "probe"],
    appliesTo: ["pbx"],
    rationale:
      "AMI gives full control of the PBX (originate calls, run CLI commands, read every event). Bound to 0.0.0.0 it is reachable from every network the host has, and without TLS its logins travel in clear. Wazo asks to review every service listening on 0.0.0.0; VitalPBX to limit with the bind address who can reach a service.",
    remediation:
      "Set bindaddr = 127.0.0.1 in manager.conf [general]; clients on other hosts go through an SSH tunnel or VPN (or, if unavoidable, AMI over TLS to a private address with per-user ACLs).",
  },
  check(facts) {
    const fact = facts.pbx.ami;
    const scan = scanOf(facts);
    if (!fact.known && scan) return judgeScanned(facts, scan);
    if (!fact.known) return [unknownFrom(fact, "Where AMI listens")];
    const ami = fact.value;
    if (!ami.enabled) return [pass("AMI is disabled (manager.conf enabled = no)", ami.at)];
    const svc = facts.services.find((s) => s.kind === "ami");
    const ref = generalRef(ami.at, "etc/asterisk/manager.conf", svc);
    return amiListeners(facts, ami).map((l): Finding => {
      const subject = `${l.label} ${l.port}/tcp`;
      const where = describeBind(l.address, l.scope);
      if (!EXPOSED_SCOPES.includes(l.scope)) {
        return pass(`${l.label} listens on ${where}`, l.at, { subject });
      }
      const clear = l.tls
        ? ""
        : ami.tls
          ? " This listener is plain TCP: logins and events travel in clear."
          : " TLS is off (tlsenable = no): logins and events travel in clear.";
      const set: [string, string][] = l.tls
        ? [["tlsbindaddr", "127.0.0.1:5039"]]
        : [["bindaddr", "127.0.0.1"]];
      return fail(
        `${l.label} listens on ${where}: anyone who can reach this host on ${l.port}/tcp can try to log in to the PBX's control interface.${clear}`,
        l.at,
        asteriskFix("Bind AMI to the loopback address; reach it through an SSH tunnel or VPN:", [
          { ref, set },
        ]),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "AMI on 0.0.0.0 without TLS",
      facts: (f) => {
        withAmi(f, { bindAddress: "0.0.0.0" });
      },
      expect: ["fail"],
    },
    {
      name: "AMI on a public address",
      facts: (f) => {
        withAmi(f, { bindAddress: "203.0.113.7" });
      },
      expect: ["fail"],
    },
    {
      name: "AMI on loopback",
      facts: (f) => {
        withAmi(f, { bindAddress: "127.0.0.1" });
      },
      expect: ["pass"],
    },
    {
      name: "AMI on a private address",
      facts: (f) => {
        withAmi(f, { bindAddress: "192.168.1.10" });
      },
      expect: ["pass"],
    },
    {
      name: "scanned: AMI greets the scanner on 5038",
      facts: (f) => {
        asPbx(f);
        asScannedWith(
          f,
          scannedService({
            kind: "ami",
            port: 5038,
            label: "Asterisk Manager Interface on 5038/tcp",
            enabled: known(true, probeAt(5038, "Asterisk Call Manager/7.0.3\\r\\n")),
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: 5038 refused",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [[5038, "closed"]]);
      },
      expect: ["pass"],
    },
    {
      name: "scanned: the PBX itself on 127.0.0.1",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [[5038, "open"]], "local", [], "127.0.0.1");
      },
      expect: ["unknown"],
    },
    {
      name: "AMI disabled",
      facts: (f) => {
        withAmi(f, { enabled: false, bindAddress: "0.0.0.0" });
      },
      expect: ["pass"],
    },
  ],
};
