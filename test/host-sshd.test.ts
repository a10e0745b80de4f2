/**
 * sshd_config to the SSH service: OpenSSH's reading order (first value wins, Include in place,
 * Match blocks conditional), its compiled-in defaults, and the upstream sshd_config of the corpus
 * (../shared/corpus/openssh, every option commented out: the defaults apply).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { extractFacts } from "../src/extract/index.js";
import type { Facts, Service } from "../src/facts/model.js";
import { ALL_RULES } from "../src/rules/index.js";
import { MemoryTree } from "../src/sources/tree.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { result, statuses } from "./support/report.js";

function factsOf(files: Record<string, string>): Facts {
  const t = new MemoryTree("host.tar");
  for (const [p, text] of Object.entries(files)) t.add(p, Buffer.from(text));
  return extractFacts(t);
}

function sshd(files: Record<string, string> | string): Service {
  const facts = factsOf(typeof files === "string" ? { "etc/ssh/sshd_config": files } : files);
  const s = facts.services.find((x) => x.label === "SSH (OpenSSH)");
  if (!s) throw new Error("no OpenSSH service");
  return s;
}

const value = <T>(f: { known: boolean; value?: T } | undefined) => (f?.known ? f.value : "unknown");
const excerpts = (f: { at: readonly unknown[] } | undefined) =>
  (f?.at ?? []).map((o) => (o as { excerpt?: string }).excerpt);

describe("sshd_config: OpenSSH's reading order", () => {
  it("keeps the first value of a keyword; keywords are case-insensitive, `=` separates too", () => {
    const s = sshd("passwordauthentication=no\nPasswordAuthentication yes\nPORT 2222\n");
    expect(value(s.auth.password)).toBe(false);
    expect(s.auth.password?.at[0]).toMatchObject({ line: 1, excerpt: "passwordauthentication no" });
    expect(value(s.ports)).toEqual([{ from: 2222, to: 2222, transport: "tcp" }]);
  });

  it("reads an Include where it stands: a drop-in at the top wins over the main file (cloud-init)", () => {
    const s = sshd({
      "etc/ssh/sshd_config": [
        "Include /etc/ssh/sshd_config.d/*.conf",
        "KbdInteractiveAuthentication no",
        "UsePAM yes",
        "PasswordAuthentication no",
      ].join("\n"),
      "etc/ssh/sshd_config.d/50-cloud-init.conf": "PasswordAuthentication yes\n",
      "etc/ssh/sshd_config.d/60-local.conf": "PasswordAuthentication no\n",
      "etc/ssh/sshd_config.d/README": "PasswordAuthentication no\n",
    });
    expect(value(s.auth.password)).toBe(true);
    expect(s.auth.password?.at[0]).toMatchObject({
      file: "host.tar!etc/ssh/sshd_config.d/50-cloud-init.conf",
      line: 1,
      excerpt: "PasswordAuthentication yes",
    });
  });

  it("resolves a relative Include under /etc/ssh and reads globs in lexical order", () => {
    const s = sshd({
      "etc/ssh/sshd_config": "Include sshd_config.d/*.conf\nPort 22\n",
      "etc/ssh/sshd_config.d/20-b.conf": "Port 2200\n",
      "etc/ssh/sshd_config.d/10-a.conf": "PermitRootLogin yes\n",
    });
    // Port accumulates: every Port line counts
    expect(value(s.ports)).toEqual([
      { from: 2200, to: 2200, transport: "tcp" },
      { from: 22, to: 22, transport: "tcp" },
    ]);
    expect(s.auth.rootPassword?.at[0]).toMatchObject({
      file: "host.tar!etc/ssh/sshd_config.d/10-a.conf",
      excerpt: "PermitRootLogin yes",
    });
    expect(value(s.auth.rootPassword)).toBe(true);
  });

  it("records Match blocks as conditional evidence without letting them override the global value", () => {
    const s = sshd(
      [
        "PasswordAuthentication no",
        "Match Address 10.0.0.0/8",
        "    PasswordAuthentication yes",
        "Match User backup",
        "    PermitRootLogin yes",
      ].join("\n"),
    );
    expect(value(s.auth.password)).toBe(false);
    expect(excerpts(s.auth.password)).toContain(
      "Match Address 10.0.0.0/8 (line 2): PasswordAuthentication yes (only for connections that match)",
    );
    // a Match block before any global line does not set the global either: the default applies
    const t = sshd("Match User backup\n  PasswordAuthentication no\n");
    expect(value(t.auth.password)).toBe(true);
    expect(t.auth.password?.at[0]).toMatchObject({ implied: true });
  });

  it("takes `Match all` as applying to every connection", () => {
    const s = sshd("PasswordAuthentication yes\nMatch all\nPasswordAuthentication no\n");
    expect(value(s.auth.password)).toBe(false);
    expect(s.auth.password?.at[0]).toMatchObject({
      line: 3,
      excerpt: "Match all (line 2): PasswordAuthentication no",
    });
  });

  it("applies the compiled-in defaults to an empty file, each cited as implied", () => {
    const s = sshd("");
    expect(value(s.ports)).toEqual([{ from: 22, to: 22, transport: "tcp" }]);
    expect(value(s.bind)).toBe("any");
    expect(value(s.auth.password)).toBe(true);
    expect(value(s.auth.rootPassword)).toBe(false);
    expect(excerpts(s.auth.password)).toEqual([
      "PasswordAuthentication not set: OpenSSH defaults to yes",
    ]);
    expect(excerpts(s.auth.rootPassword)).toEqual([
      "PermitRootLogin not set: OpenSSH defaults to prohibit-password (OpenSSH 7.0 and later)",
    ]);
    expect(s.cfg).toEqual({ language: "sshd", file: "host.tar!etc/ssh/sshd_config" });
    expect(s.auth.authorizedKeys?.known).toBe(false);
  });

  it("counts keyboard-interactive as a password login only through PAM", () => {
    // Debian's shipped settings: PAM on, keyboard-interactive off
    expect(
      value(
        sshd("PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM yes\n").auth
          .password,
      ),
    ).toBe(false);
    // PAM on and keyboard-interactive left at its default (yes): PAM asks for the password
    const pam = sshd("PasswordAuthentication no\nUsePAM yes\n");
    expect(value(pam.auth.password)).toBe(true);
    expect(excerpts(pam.auth.password)).toContain(
      "KbdInteractiveAuthentication not set: OpenSSH defaults to yes",
    );
    // the old name is an alias
    expect(
      value(
        sshd("PasswordAuthentication no\nChallengeResponseAuthentication no\nUsePAM yes\n").auth
          .password,
      ),
    ).toBe(false);
    // without PAM, keyboard-interactive has no password device on Linux
    expect(value(sshd("PasswordAuthentication no\n").auth.password)).toBe(false);
  });

  it("lets root log in with a password only with PermitRootLogin yes and passwords on", () => {
    expect(value(sshd("PermitRootLogin yes\n").auth.rootPassword)).toBe(true);
    expect(value(sshd("PermitRootLogin yes\nPasswordAuthentication no\n").auth.rootPassword)).toBe(
      false,
    );
    expect(value(sshd("PermitRootLogin without-password\n").auth.rootPassword)).toBe(false);
    expect(value(sshd("PermitRootLogin forced-commands-only\n").auth.rootPassword)).toBe(false);
    expect(sshd("PermitRootLogin maybe\n").auth.rootPassword?.known).toBe(false);
  });

  it("knows a password alone is not enough when AuthenticationMethods requires a key too", () => {
    expect(value(sshd("AuthenticationMethods publickey,password\n").auth.password)).toBe(false);
    expect(value(sshd("AuthenticationMethods publickey password\n").auth.password)).toBe(true);
    expect(value(sshd("AuthenticationMethods any\n").auth.password)).toBe(true);
  });

  it("derives ports and bind scope from Port and ListenAddress", () => {
    expect(value(sshd("ListenAddress 127.0.0.1\nListenAddress ::1\n").bind)).toBe("loopback");
    const s = sshd("Port 2222\nListenAddress 192.0.2.5:2200\nListenAddress 10.1.1.1\n");
    expect(value(s.bind)).toBe("specific");
    expect(value(s.ports)).toEqual([
      { from: 2200, to: 2200, transport: "tcp" },
      { from: 2222, to: 2222, transport: "tcp" },
    ]);
    expect(value(sshd("ListenAddress 0.0.0.0\n").bind)).toBe("any");
    expect(sshd("Port ssh\n").ports.known).toBe(false);
  });

  it("counts root's authorized keys when root's home is in the input", () => {
    const s = sshd({
      "etc/ssh/sshd_config": "",
      "root/.ssh/authorized_keys":
        "# admin\nssh-ed25519 AAAAC3Nz... a@b\nssh-rsa AAAAB3Nz... c@d\n",
    });
    expect(value(s.auth.authorizedKeys)).toBe(2);
    const none = sshd({ "etc/ssh/sshd_config": "", "root/.ssh/known_hosts": "x ssh-rsa AAA\n" });
    expect(value(none.auth.authorizedKeys)).toBe(0);
  });

  it("reports an unreadable line with its file and line, and keeps reading", () => {
    const facts = factsOf({
      "etc/ssh/sshd_config": 'Banner "/etc/issue\nPasswordAuthentication no\n',
    });
    expect(facts.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", file: "host.tar!etc/ssh/sshd_config", line: 1 }),
    ]);
    const s = facts.services.find((x) => x.kind === "ssh");
    expect(value(s?.auth.password)).toBe(false);
  });
});

describe("sshd fixes", () => {
  const settings = settingsFrom({});
  const now = new Date("2026-11-21T00:00:00Z");

  it("points at the line that decides today, and names a Match block that turns it back on", () => {
    const facts = factsOf({
      "etc/ssh/sshd_config":
        "Include /etc/ssh/sshd_config.d/*.conf\nMatch Address 192.0.2.0/24\n  PasswordAuthentication yes\n",
      "etc/ssh/sshd_config.d/50-cloud-init.conf": "PasswordAuthentication yes\n",
    });
    const r = runRules(facts, ALL_RULES, settings, now);
    expect(statuses(r, "ssh-password-auth")).toEqual(["fail"]);
    expect(result(r, "ssh-password-auth").remediation?.commands).toEqual({
      language: "sshd",
      lines: [
        "# /etc/ssh/sshd_config.d/50-cloud-init.conf, line 1: replace 'PasswordAuthentication yes' with",
        "PasswordAuthentication no",
        "# /etc/ssh/sshd_config: add near the top, before any Include and Match line (sshd keeps the first value it reads)",
        "KbdInteractiveAuthentication no",
        "# /etc/ssh/sshd_config, line 3: 'PasswordAuthentication yes' in 'Match Address 192.0.2.0/24' (line 2) overrides it for matching connections: change it too",
        "# then: sshd -t && systemctl reload ssh   (the unit is 'sshd' on RHEL-family systems)",
      ],
    });
  });

  it("gives root a key-only login", () => {
    const facts = factsOf({ "etc/ssh/sshd_config": "PermitRootLogin yes\n" });
    const r = runRules(facts, ALL_RULES, settings, now);
    expect(statuses(r, "ssh-root-password-auth")).toEqual(["fail"]);
    expect(result(r, "ssh-root-password-auth").remediation?.commands?.lines.slice(0, 2)).toEqual([
      "# /etc/ssh/sshd_config, line 1: replace 'PermitRootLogin yes' with",
      "PermitRootLogin prohibit-password",
    ]);
  });
});

describeCorpus("the upstream sshd_config (openssh-portable)", () => {
  const text = () => readFileSync(corpusPath("openssh/sshd_config"), "utf8");

  it("has every option commented out but AuthorizedKeysFile and Subsystem: the defaults apply", () => {
    const s = sshd(text());
    expect(value(s.ports)).toEqual([{ from: 22, to: 22, transport: "tcp" }]);
    expect(value(s.bind)).toBe("any");
    expect(value(s.auth.password)).toBe(true);
    expect(value(s.auth.rootPassword)).toBe(false);
    // AuthorizedKeysFile .ssh/authorized_keys (line 41): root's would be root/.ssh/authorized_keys
    expect(s.auth.authorizedKeys).toMatchObject({
      known: false,
      reason: "no root/.ssh/authorized_keys in the input (root's authorized keys)",
    });
  });

  it("fails ssh-password-auth with an sshd_config fix, passes root, flags port 22", () => {
    const facts = factsOf({ "etc/ssh/sshd_config": text() });
    expect(facts.device.class).toMatchObject({ known: true, value: "linux-host" });
    const r = runRules(facts, ALL_RULES, settingsFrom({}), new Date("2026-11-21T00:00:00Z"));
    expect(statuses(r, "ssh-password-auth")).toEqual(["fail"]);
    const pw = result(r, "ssh-password-auth");
    expect(pw.evidence).toEqual([
      {
        kind: "config",
        file: "host.tar!etc/ssh/sshd_config",
        excerpt: "PasswordAuthentication not set: OpenSSH defaults to yes",
        implied: true,
      },
    ]);
    expect(pw.remediation?.commands).toEqual({
      language: "sshd",
      lines: [
        "# /etc/ssh/sshd_config: add near the top, before any Include and Match line (sshd keeps the first value it reads)",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "# then: sshd -t && systemctl reload ssh   (the unit is 'sshd' on RHEL-family systems)",
      ],
    });
    expect(statuses(r, "ssh-root-password-auth")).toEqual(["pass"]);
    expect(statuses(r, "ssh-default-port")).toEqual(["fail"]);
    expect(result(r, "ssh-default-port").severity).toBe("low");
  });
});
