/**
 * softwareFrom against banners and headers as real servers send them (SSH identifications, HTTP
 * and RTSP Server headers, SIP User-Agent/Server headers, SNMP sysDescr, MQTT's $SYS version, FTP
 * and SMTP greetings): the product, the version when stated, and nothing for the unknown.
 */
import { describe, expect, it } from "vitest";
import { softwareFrom } from "../src/scan/software.js";

const CASES: [string, string, string | undefined][] = [
  // SSH identification strings
  ["SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "openssh", "9.2p1"],
  ["SSH-2.0-OpenSSH_7.4", "openssh", "7.4"],
  ["SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10", "openssh", "8.9p1"],
  ["SSH-2.0-OpenSSH_for_Windows_8.1", "openssh", "8.1"],
  ["SSH-2.0-dropbear_2022.83", "dropbear", "2022.83"],
  ["SSH-2.0-dropbear_2019.78", "dropbear", "2019.78"],
  ["SSH-2.0-dropbear", "dropbear", undefined],
  // HTTP / RTSP Server headers
  ["nginx/1.22.1", "nginx", "1.22.1"],
  ["nginx", "nginx", undefined],
  ["lighttpd/1.4.69", "lighttpd", "1.4.69"],
  ["Apache/2.4.57 (Debian)", "apache", "2.4.57"],
  ["Apache", "apache", undefined],
  ["uhttpd", "uhttpd", undefined],
  ["GoAhead-Webs", "goahead", undefined],
  ["GoAhead-Webs/2.5.0 PeerSec-MatrixSSL/3.4.2-OPEN", "goahead", "2.5.0"],
  ["GoAhead-http", "goahead", undefined],
  ["Boa/0.94.14rc21", "boa", "0.94.14rc21"],
  ["mini_httpd/1.30 26Oct2018", "mini_httpd", "1.30"],
  // SIP User-Agent / Server
  ["Asterisk PBX 18.20.0", "asterisk", "18.20.0"],
  ["Asterisk PBX certified/18.9-cert5", "asterisk", "18.9-cert5"],
  ["Asterisk PBX GIT-master-5c9a3e1", "asterisk", undefined],
  ["FPBX-16.0.40(18.20.0)", "freepbx", "16.0.40"],
  ["kamailio (5.6.3 (x86_64/linux))", "kamailio", "5.6.3"],
  ["OpenSIPS (3.2.5 (x86_64/linux))", "opensips", "3.2.5"],
  [
    "FreeSWITCH-mod_sofia/1.10.9-release+git~20230208T170938Z~8a3d6e5ec4~64bit",
    "freeswitch",
    "1.10.9",
  ],
  // AMI names its protocol version, not Asterisk's
  ["Asterisk Call Manager/7.0.3\r\n", "asterisk", undefined],
  // MQTT $SYS/broker/version, SNMP
  ["mosquitto version 2.0.11", "mosquitto", "2.0.11"],
  ["NET-SNMP version: 5.9.3", "net-snmp", "5.9.3"],
  // FTP and SMTP greetings
  ["220 (vsFTPd 3.0.3)\r\n", "vsftpd", "3.0.3"],
  ["220 ProFTPD 1.3.8 Server (Debian) [::ffff:10.0.0.1]\r\n", "proftpd", "1.3.8"],
  ["220 mail.example.com ESMTP Exim 4.96 Tue, 21 Nov 2026 10:00:00 +0000\r\n", "exim", "4.96"],
  ["220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n", "postfix", undefined],
];

describe("softwareFrom", () => {
  for (const [text, product, version] of CASES) {
    it(`${JSON.stringify(text)} → ${product} ${version ?? "(no version)"}`, () => {
      const s = softwareFrom(text);
      expect(s?.product).toBe(product);
      expect(s?.version).toBe(version);
      expect(s?.raw).not.toMatch(/[\r\n]/);
      expect(s?.raw.length).toBeGreaterThan(0);
    });
  }

  it("returns undefined for software it does not know, and for nothing", () => {
    for (const text of [
      "Microsoft-IIS/10.0",
      "Apache-Coyote/1.1",
      "Apache Tomcat/9.0.71",
      "220 FileZilla Server 1.7.0\r\n",
      "RTSP/1.0 200 OK",
      "Boa is a snake",
      "",
      undefined,
    ])
      expect(softwareFrom(text), String(text)).toBeUndefined();
  });

  it("keeps only the line that names the product, printable and cut short", () => {
    const s = softwareFrom(
      `HTTP/1.1 200 OK\r\nDate: Tue, 21 Nov 2026 10:00:00 GMT\r\nServer: lighttpd/1.4.59\x07${"x".repeat(400)}\r\n\r\n`,
    );
    expect(s?.product).toBe("lighttpd");
    expect(s?.version).toBe("1.4.59");
    expect(s?.raw.startsWith("Server: lighttpd/1.4.59")).toBe(true);
    expect(s?.raw).not.toContain("Date:");
    expect([...(s?.raw ?? "")].every((ch) => ch >= " ")).toBe(true);
    expect(s?.raw.length).toBeLessThanOrEqual(160);
  });

  it("prefers FreePBX over the Asterisk it runs on", () => {
    expect(softwareFrom("User-Agent: FPBX-15.0.23(16.13.0)")?.product).toBe("freepbx");
  });
});
