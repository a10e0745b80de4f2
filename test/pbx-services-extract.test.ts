/**
 * The AMI, HTTP/ARI and logger extractors on configuration texts written for the test: Asterisk's
 * defaults, its quirks (ACL lists, named ACLs, the HTTP server needing a bindaddr, appendhostname),
 * and no secret anywhere in the facts.
 */
import { describe, expect, it } from "vitest";
import { extractFacts } from "../src/extract/index.js";
import type { Facts } from "../src/facts/model.js";
import type { Fact } from "../src/facts/value.js";
import { md5Crypt } from "../src/secrets/index.js";
import { MemoryTree } from "../src/sources/tree.js";

/** An input holding these files under etc/asterisk (asterisk.conf makes it a whole directory). */
function asteriskTree(files: Record<string, string>, whole = true): MemoryTree {
  const tree = new MemoryTree("pbx.tar");
  const all = whole ? { "asterisk.conf": "[directories]\n", ...files } : files;
  for (const [name, text] of Object.entries(all)) {
    tree.add(
      name.includes("/") && !name.startsWith("etc/asterisk") ? name : `etc/asterisk/${name}`,
      Buffer.from(text),
    );
  }
  return tree;
}

function facts(files: Record<string, string>, whole = true): Facts {
  return extractFacts(asteriskTree(files, whole));
}

function value<T>(f: Fact<T> | undefined): T {
  if (!f) throw new Error("no such fact");
  if (!f.known) throw new Error(`unknown: ${f.reason}`);
  return f.value;
}

const STRONG = "Vq9#tLw2!mZr8$Kp4xYe";

describe("extractAmi", () => {
  it("AMI is off by default, bound to 0.0.0.0:5038, and pushes no service", () => {
    const f = facts({ "manager.conf": "[general]\nport = 5038\n" });
    const ami = value(f.pbx.ami);
    expect(ami).toMatchObject({ enabled: false, bindAddress: "0.0.0.0", port: 5038, tls: false });
    expect(ami.at.map((o) => (o.kind === "config" ? o.excerpt : ""))).toContain(
      "[general]: enabled not set, defaults to no",
    );
    expect(f.services.filter((s) => s.kind === "ami")).toEqual([]);
  });

  it("a whole directory without manager.conf: AMI does not start; a partial input: unknown", () => {
    expect(value(facts({ "extensions.conf": "[default]\n" }).pbx.ami).enabled).toBe(false);
    expect(facts({ "extensions.conf": "[default]\n" }, false).pbx.ami.known).toBe(false);
  });

  it("enabled on every address, with a TLS listener: two services, bind scopes and ports", () => {
    const f = facts({
      "manager.conf": [
        "[general]",
        "enabled = yes",
        "bindaddr = 0.0.0.0",
        "port = 5038",
        "tlsenable = yes",
        "tlsbindaddr = 192.168.1.10:5039",
        "",
      ].join("\n"),
    });
    const ami = value(f.pbx.ami);
    expect(ami).toMatchObject({ enabled: true, bindAddress: "0.0.0.0", tls: true });
    const svc = f.services.filter((s) => s.kind === "ami");
    expect(svc.map((s) => [s.id, value(s.bind), value(s.ports)[0]?.from, value(s.tls)])).toEqual([
      ["ami", "any", 5038, false],
      ["ami-tls", "lan", 5039, true],
    ]);
    expect(svc[0]?.admin).toBe(true);
    expect(svc[0]?.cfg).toEqual({
      language: "asterisk",
      file: "pbx.tar!etc/asterisk/manager.conf",
      section: "general",
    });
  });

  it("users: secrets reduced to qualities, ACL lists split, named ACLs resolved, classes lower-cased", () => {
    const f = facts({
      "manager.conf": [
        "[general]",
        "enabled = yes",
        "bindaddr = 127.0.0.1",
        "[admin]",
        `secret = ${STRONG}`,
        "deny = 0.0.0.0/0.0.0.0",
        "permit = 127.0.0.1/255.255.255.255, 10.0.0.0/24",
        "read = System,Call",
        "write = all",
        "[crm]",
        "secret = amp111",
        "acl = office",
        "write = call",
        "[lost]",
        `secret = ${STRONG}`,
        "acl = nosuchacl",
        "[nosecret]",
        "deny = 0.0.0.0/0",
        "",
      ].join("\n"),
      "acl.conf": "[office]\ndeny = 0.0.0.0/0.0.0.0\npermit = 192.168.5.0/24\n",
    });
    const users = value(f.pbx.ami).users;
    expect(users.map((u) => u.name)).toEqual(["admin", "crm", "lost", "nosecret"]);
    const [admin, crm, lost, nosecret] = users;
    expect(admin?.permit).toEqual(["127.0.0.1/255.255.255.255", "10.0.0.0/24"]);
    expect(admin?.read).toEqual(["system", "call"]);
    expect(admin?.write).toEqual(["all"]);
    expect(value(admin?.password)).toMatchObject({ state: "set", quality: { length: 20 } });
    expect(value(admin?.password).quality?.reusedWith).toEqual(["AMI user lost"]);
    expect(value(crm?.password).quality?.isDefault).toBe(true);
    expect(crm?.deny).toEqual(["0.0.0.0/0.0.0.0"]);
    expect(crm?.permit).toEqual(["192.168.5.0/24"]);
    // A named ACL that does not exist makes Asterisk deny everything.
    expect(lost?.deny).toEqual(["0.0.0.0/0", "::/0"]);
    expect(value(nosecret?.password)).toEqual({ state: "locked" });
    const json = JSON.stringify(f);
    expect(json).not.toContain(STRONG);
    expect(json).not.toContain("amp111");
  });
});

describe("extractAsteriskHttp", () => {
  it("enabled without bindaddr: the server does not start", () => {
    const f = facts({ "http.conf": "[general]\nenabled = yes\n" });
    expect(value(f.pbx.http)).toMatchObject({ enabled: false, bindAddress: "" });
    expect(f.services.filter((s) => s.id.startsWith("asterisk-http"))).toEqual([]);
  });

  it("the sample's bindaddr alone (enabled commented out): off", () => {
    expect(value(facts({ "http.conf": "[general]\nbindaddr=127.0.0.1\n" }).pbx.http).enabled).toBe(
      false,
    );
  });

  it("bindaddr with a port, TLS on the same address at 8089, ARI on: two ARI services", () => {
    const f = facts({
      "http.conf": "[general]\nenabled=yes\nbindaddr=0.0.0.0:8080\ntlsenable=yes\n",
      "ari.conf": "[general]\nenabled = yes\n",
    });
    expect(value(f.pbx.http)).toMatchObject({
      enabled: true,
      bindAddress: "0.0.0.0",
      port: 8080,
      tlsEnabled: true,
      tlsPort: 8089,
    });
    const svc = f.services.filter((s) => s.id.startsWith("asterisk-http"));
    expect(svc.map((s) => [s.id, s.kind, value(s.bind), value(s.ports)[0]?.from])).toEqual([
      ["asterisk-http", "ari", "any", 8080],
      ["asterisk-https", "ari", "any", 8089],
    ]);
  });

  it("ARI users: plain (default) and crypt; a crypt hash of a default password is recognised", () => {
    const hash = md5Crypt("Nasheow8Eag", "saltsalt");
    const f = facts({
      "http.conf": "[general]\nenabled=yes\nbindaddr=127.0.0.1\n",
      "ari.conf": [
        "[general]",
        "enabled = yes",
        "[app]",
        "type = user",
        `password = ${STRONG}`,
        "[hashed]",
        "type = user",
        `password = ${hash}`,
        "password_format = crypt",
        "",
      ].join("\n"),
    });
    const users = value(f.pbx.http).ariUsers;
    expect(users.map((u) => [u.name, u.passwordFormat])).toEqual([
      ["app", "plain"],
      ["hashed", "crypt"],
    ]);
    expect(value(users[1]?.password)).toMatchObject({
      state: "set",
      hash: "md5-crypt",
      isDefault: true,
    });
    const json = JSON.stringify(f);
    expect(json).not.toContain(STRONG);
    expect(json).not.toContain(hash);
  });
});

describe("extractAsteriskLogging", () => {
  it("levels per channel; security files derived from `security` and `*`, under astlogdir", () => {
    const f = facts({
      "asterisk.conf": "[directories]\nastlogdir => /srv/log/asterisk\n",
      "logger.conf": [
        "[general]",
        "[logfiles]",
        "console => notice,warning,error",
        "messages => notice,warning,error",
        "security => security",
        "full-json.log => [json]*",
        "/var/log/pbx-auth.log => Security",
        "syslog.local0 => security",
        ";debug => debug",
        "",
      ].join("\n"),
    });
    const logging = value(f.pbx.logging);
    expect(logging.securityLogFiles).toEqual([
      "/srv/log/asterisk/security",
      "/srv/log/asterisk/full-json.log",
      "/var/log/pbx-auth.log",
    ]);
    const detail = logging;
    expect(detail.channels?.map((c) => [c.name, c.type, c.path, c.levels.join(",")])).toEqual([
      ["console", "console", "console", "notice,warning,error"],
      ["messages", "file", "/srv/log/asterisk/messages", "notice,warning,error"],
      ["security", "file", "/srv/log/asterisk/security", "security"],
      ["full-json.log", "file", "/srv/log/asterisk/full-json.log", "*"],
      ["/var/log/pbx-auth.log", "file", "/var/log/pbx-auth.log", "security"],
      ["syslog.local0", "syslog", "syslog:local0", "security"],
    ]);
  });

  it("Wazo's `fail2ban => notice` is a NOTICE file, not a security one", () => {
    const f = facts({ "logger.conf": "[logfiles]\nfail2ban => notice\nfull => notice,warning\n" });
    expect(value(f.pbx.logging).securityLogFiles).toEqual([]);
    expect(value(f.pbx.logging).channels?.[0]).toMatchObject({
      path: "/var/log/asterisk/fail2ban",
      levels: ["notice"],
    });
  });

  it("appendhostname adds the host name to every file name", () => {
    const f = facts({
      "logger.conf": "[general]\nappendhostname = yes\n[logfiles]\nsecurity => security\n",
    });
    expect(value(f.pbx.logging).securityLogFiles).toEqual([
      "/var/log/asterisk/security.<hostname>",
    ]);
  });

  it("without logger.conf Asterisk logs to the console only", () => {
    const f = facts({ "manager.conf": "[general]\n" });
    expect(value(f.pbx.logging).securityLogFiles).toEqual([]);
    expect(facts({ "manager.conf": "[general]\n" }, false).pbx.logging.known).toBe(false);
  });
});
