/**
 * Server software from what a service says about itself: an SSH identification, an HTTP Server
 * header, a SIP User-Agent or Server, an SNMP sysDescr, an RTSP Server header, an FTP/SMTP
 * greeting. Only products listed here are recognised (anything else is undefined, never a guess),
 * named in lower case so versions can be matched against advisories.
 */
import type { SoftwareSeen } from "../facts/model.js";

/** A dotted version with its suffixes: 9.2p1, 2022.83, 0.94.14rc21, 18.9-cert5. */
const V = String.raw`(\d+(?:\.[0-9A-Za-z]+)*(?:-cert\d+)?)`;

interface Signature {
  product: string;
  /** The first capture group, when present, is the version. */
  test: RegExp;
}

/**
 * Checked in order: the first that matches decides. FreePBX before Asterisk (its User-Agent names
 * both: `FPBX-16.0.40(18.20.0)`); versions only where the text states them.
 */
const SIGNATURES: Signature[] = [
  // SSH identification strings (RFC 4253 section 4.2).
  { product: "openssh", test: new RegExp(String.raw`\bOpenSSH_(?:for_Windows_)?${V}`) },
  { product: "openssh", test: /\bOpenSSH\b/ },
  { product: "dropbear", test: new RegExp(String.raw`\bdropbear(?:[_ ]v?${V})?`, "i") },
  // SIP servers and PBXs (User-Agent / Server headers).
  { product: "freepbx", test: new RegExp(String.raw`\bFPBX-${V}`) },
  { product: "freepbx", test: new RegExp(String.raw`\bFreePBX(?:[ /-]v?${V})?`, "i") },
  // AMI greets with its own protocol version ("Asterisk Call Manager/7.0.3"), not Asterisk's.
  { product: "asterisk", test: /\bAsterisk Call Manager\b/ },
  {
    product: "asterisk",
    test: new RegExp(String.raw`\bAsterisk(?: PBX)?(?:[ /](?:certified[ /])?v?${V})?`, "i"),
  },
  { product: "kamailio", test: new RegExp(String.raw`\bkamailio(?: \(?v?${V})?`, "i") },
  { product: "opensips", test: new RegExp(String.raw`\bOpenSIPS(?: \(?v?${V})?`, "i") },
  { product: "freeswitch", test: new RegExp(String.raw`\bFreeSWITCH(?:[-\w]*/${V})?`, "i") },
  // MQTT ($SYS/broker/version) and SNMP.
  {
    product: "mosquitto",
    test: new RegExp(String.raw`\bmosquitto(?:[ /](?:version )?${V})?`, "i"),
  },
  {
    product: "net-snmp",
    test: new RegExp(String.raw`\bnet-snmp(?:[ /](?:version:? ?)?${V})?`, "i"),
  },
  // Web servers (HTTP and RTSP Server headers).
  { product: "nginx", test: new RegExp(String.raw`\bnginx(?:/${V})?`, "i") },
  { product: "lighttpd", test: new RegExp(String.raw`\blighttpd(?:/${V})?`, "i") },
  { product: "uhttpd", test: new RegExp(String.raw`\buhttpd(?:/${V})?`, "i") },
  { product: "goahead", test: new RegExp(String.raw`\bGoAhead(?:-Webs|-http)?(?:/${V})?`, "i") },
  { product: "mini_httpd", test: new RegExp(String.raw`\bmini_httpd(?:/${V})?`, "i") },
  // "Boa" alone is a word; only the Server header form (Boa/0.94.14rc21) is the web server.
  { product: "boa", test: new RegExp(String.raw`\bBoa/${V}`) },
  // Apache httpd, not Apache-Coyote (Tomcat's connector) nor Apache Tomcat.
  {
    product: "apache",
    test: new RegExp(String.raw`\bApache(?![\w-])(?!\s*Tomcat)(?:/${V})?`),
  },
  // FTP and SMTP greetings ("220 ..."), the TCP banners a device's extra services send.
  { product: "vsftpd", test: new RegExp(String.raw`\bvsFTPd(?: ${V})?`, "i") },
  { product: "proftpd", test: new RegExp(String.raw`\bProFTPD(?: ${V})?`, "i") },
  { product: "pure-ftpd", test: /\bPure-FTPd\b/i },
  { product: "exim", test: new RegExp(String.raw`\bExim(?: ${V})?`) },
  { product: "postfix", test: /\bESMTP Postfix\b/ },
];

/** The most text kept as `raw`: enough for a banner line, not a whole page. */
const RAW_MAX = 160;

/** One line, control characters as spaces, cut: safe to print and store. */
function clean(line: string): string {
  let s = "";
  for (const ch of line) {
    const c = ch.codePointAt(0) ?? 0;
    s += c < 0x20 || c === 0x7f ? " " : ch;
  }
  s = s.replace(/\s+/g, " ").trim();
  return s.length > RAW_MAX ? `${s.slice(0, RAW_MAX - 1)}…` : s;
}

/**
 * The product (and version, when stated) a banner or header names; undefined when none of the
 * known products is named. `raw` is the line it was read from, printable and cut short.
 */
export function softwareFrom(text: string | undefined): SoftwareSeen | undefined {
  if (!text) return undefined;
  const lines = text.split(/\r?\n|\r/).filter((l) => l.trim() !== "");
  for (const sig of SIGNATURES) {
    for (const line of lines) {
      const m = sig.test.exec(line);
      if (!m) continue;
      const version = m[1];
      return { product: sig.product, ...(version ? { version } : {}), raw: clean(line) };
    }
  }
  return undefined;
}
