/**
 * A whole Wazo PBX host audited end to end: Wazo's /etc/asterisk (wazo-asterisk-config), its
 * fail2ban jails over the stock ones (xivo-config over fail2ban's jail.conf), the upstream
 * sshd_config, all read from the corpus, plus what an operator would save next to them: the
 * iptables ruleset of a fresh Wazo (ACCEPT, only fail2ban's chains) and `ss -tulpn` output, both
 * written here. The findings a reviewer expects are written down for the host rules.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules, type TargetReport } from "../src/engine/run.js";
import { extractFacts } from "../src/extract/index.js";
import type { Facts } from "../src/facts/model.js";
import { ALL_RULES } from "../src/rules/index.js";
import { MemoryTree } from "../src/sources/tree.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { result, statuses } from "./support/report.js";

const RULESET = `*filter
:INPUT ACCEPT [48213:9120331]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [50102:10234411]
:f2b-ASTERISK - [0:0]
:f2b-wazo-provd - [0:0]
-A INPUT -p udp -m udp --dport 5060 -j f2b-ASTERISK
-A INPUT -p all -j f2b-wazo-provd
-A f2b-ASTERISK -j RETURN
-A f2b-wazo-provd -j RETURN
COMMIT
`;

const SS = `Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
udp   UNCONN 0      0            0.0.0.0:5060       0.0.0.0:*     users:(("asterisk",pid=1021,fd=24))
tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*     users:(("sshd",pid=702,fd=3))
tcp   LISTEN 0      511          0.0.0.0:443        0.0.0.0:*     users:(("nginx",pid=911,fd=8))
tcp   LISTEN 0      10         127.0.0.1:5038       0.0.0.0:*     users:(("asterisk",pid=1021,fd=7))
tcp   LISTEN 0      10         127.0.0.1:5039       0.0.0.0:*     users:(("asterisk",pid=1021,fd=9))
tcp   LISTEN 0      244          0.0.0.0:5432       0.0.0.0:*     users:(("postgres",pid=640,fd=5))
tcp   LISTEN 0      128          0.0.0.0:8666       0.0.0.0:*     users:(("wazo-provd",pid=1200,fd=10))
`;

function tree(): MemoryTree {
  const t = new MemoryTree("wazo-host.tar");
  const add = (dir: string, at: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) add(p, `${at}/${n}`);
      else if (n !== "PROVENANCE.md") t.add(`${at}/${n}`, readFileSync(p));
    }
  };
  add(corpusPath("wazo/wazo-asterisk-config/etc"), "etc");
  add(corpusPath("fail2ban-config"), "etc/fail2ban");
  add(corpusPath("wazo/xivo-config/etc/fail2ban"), "etc/fail2ban");
  t.add("etc/ssh/sshd_config", readFileSync(corpusPath("openssh/sshd_config")));
  t.add("etc/iptables/rules.v4", Buffer.from(RULESET));
  t.add("ss-tulpn.txt", Buffer.from(SS));
  return t;
}

describeCorpus(
  "audit of a Wazo PBX host (corpus configuration + saved ruleset and sockets)",
  () => {
    let facts: Facts;
    let r: TargetReport;
    beforeAll(() => {
      facts = extractFacts(tree());
      r = runRules(facts, ALL_RULES, settingsFrom({}), new Date("2026-11-21T00:00:00Z"));
    });

    it("is a Wazo PBX whose host facts are all known", () => {
      expect(r.device).toMatchObject({ class: "pbx", platform: "asterisk" });
      expect(facts.pbx.distribution).toMatchObject({ known: true, value: "Wazo" });
      expect(facts.fail2ban.known && facts.hostFirewall.known && facts.listening.known).toBe(true);
      expect(r.diagnostics.filter((d) => /fail2ban|ssh|iptables|ss-tulpn/.test(d.file))).toEqual(
        [],
      );
    });

    it("derives SSH's reach from the ruleset: reachable, so password logins are critical", () => {
      const ssh = facts.services.find((s) => s.label === "SSH (OpenSSH)");
      expect(ssh?.wan).toMatchObject({ known: true, value: { reachable: true, sources: [] } });
      expect(statuses(r, "ssh-password-auth")).toEqual(["fail"]);
      expect(result(r, "ssh-password-auth").severity).toBe("critical");
      expect(statuses(r, "ssh-default-port")).toEqual(["fail"]);
    });

    it("passes Wazo's two jails and fails the missing sshd and web-login jails", () => {
      expect(statuses(r, "fail2ban-jail-sip")).toEqual(["pass"]);
      expect(statuses(r, "fail2ban-jail-provisioning")).toEqual(["pass"]);
      expect(statuses(r, "fail2ban-jail-ssh")).toEqual(["fail"]);
      expect(statuses(r, "fail2ban-jail-web-login")).toEqual(["fail"]);
      // nginx listens on 443 (ss) and Wazo serves its UI with nginx: the fix names nginx-http-auth only
      expect(result(r, "fail2ban-jail-web-login").remediation?.commands?.lines).toEqual([
        "# /etc/fail2ban/jail.local (read after jail.conf and jail.d/*.conf; merge into a section that is already there)",
        "# nginx: failed HTTP authentication (fail2ban's jail.conf defines the jail)",
        "[nginx-http-auth]",
        "enabled = true",
        "# then: fail2ban-client reload && fail2ban-client status nginx-http-auth",
      ]);
      expect(statuses(r, "fail2ban-jail-tuning")).toEqual(["fail", "fail"]);
      expect(statuses(r, "fail2ban-ignoreip-public")).toEqual(["pass"]);
    });

    it("finds no firewall (critical) and every PBX port open, AMI and ARI idle behind loopback", () => {
      expect(statuses(r, "host-firewall-active")).toEqual(["fail"]);
      expect(result(r, "host-firewall-active").severity).toBe("critical");
      const ports = r.results.filter((x) => x.rule === "host-firewall-pbx-ports");
      expect(ports.map((x) => `${x.subject} ${x.status} ${x.severity}`)).toEqual([
        "22/tcp (SSH) fail high",
        "5060/udp (SIP) fail high",
        // accepted, but nothing listens there now (ss): low
        "5060/tcp (SIP) fail low",
        "5061/tcp (SIP over TLS) fail low",
        "4569/udp (IAX2) fail low",
        "5038/tcp (AMI) fail low",
        "80/tcp (HTTP) fail low",
        "443/tcp (HTTPS) fail high",
        "8088/tcp (Asterisk HTTP/ARI) fail low",
      ]);
    });

    it("lists PostgreSQL on every address (open in the firewall: high), not AMI on loopback", () => {
      expect(statuses(r, "services-listening-any")).toEqual(["fail"]);
      expect(result(r, "services-listening-any").subject).toBe("5432/tcp (PostgreSQL)");
      expect(result(r, "services-listening-any").severity).toBe("high");
    });
  },
);
