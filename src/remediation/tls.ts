/**
 * TLS fixes in the language of the server a scan recognised (nginx, Apache, lighttpd, mosquitto,
 * Asterisk's pjsip, OpenWrt/RutOS uhttpd), and in general device terms when it recognised none.
 * Versions matter: an option a release does not know breaks its configuration, so each line is
 * offered only to releases that understand it.
 */
import type { SoftwareSeen } from "../facts/model.js";
import type { Fix, FixLanguage } from "../rules/types.js";
import { uciLines } from "./uci.js";

/** Forward-secret AEAD suites for TLS 1.2 (Mozilla's "intermediate" list without DHE). */
export const MODERN_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

/** The leading numbers of a version ("1.22.1" → [1, 22, 1]); empty when there are none. */
export function versionParts(version: string | undefined): number[] {
  const m = /^\d+(?:\.\d+)*/.exec(version ?? "");
  return m ? m[0].split(".").map(Number) : [];
}

/** The version is known and at least `min`; unknown versions get the conservative answer. */
export function atLeast(version: string | undefined, min: number[]): boolean {
  const v = versionParts(version);
  if (v.length === 0) return false;
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

export type TlsServiceKind = "web" | "sip" | "mqtt" | "other";

const NGINX_RELOAD = "# then: nginx -t && nginx -s reload";
const APACHE_RELOAD = "# then: apachectl configtest && apachectl graceful";
const LIGHTTPD_RELOAD =
  "# then: lighttpd -tt -f /etc/lighttpd/lighttpd.conf && restart lighttpd (systemctl restart lighttpd, or /etc/init.d/lighttpd restart)";
const MOSQUITTO_RELOAD =
  "# then restart the broker (systemctl restart mosquitto, or /etc/init.d/mosquitto restart)";

const UHTTPD_NOTE =
  "uhttpd (OpenWrt/RutOS) has no option for TLS versions or cipher suites: its TLS library (ustream-ssl on mbedTLS, wolfSSL or OpenSSL) decides. Update the firmware to a release whose library refuses them, and until then reach the web interface only through a VPN.";

/** A fix given as lines in the server's own configuration language. */
function linesFix(summary: string, language: FixLanguage, lines: string[]): Fix {
  return { summary, commands: { language, lines } };
}

function product(sw: SoftwareSeen | undefined, kind: TlsServiceKind): string | undefined {
  if (!sw) return undefined;
  // FreePBX runs Asterisk: its SIP over TLS is Asterisk's pjsip.
  if (kind === "sip" && (sw.product === "asterisk" || sw.product === "freepbx")) return "asterisk";
  return sw.product;
}

/** Turn off TLS 1.0 and 1.1. */
export function tlsVersionsFix(sw: SoftwareSeen | undefined, kind: TlsServiceKind): Fix {
  switch (product(sw, kind)) {
    case "nginx": {
      // TLSv1.3 in ssl_protocols needs nginx 1.13.0; an older nginx rejects the word.
      const protocols = atLeast(sw?.version, [1, 13]) ? "TLSv1.2 TLSv1.3" : "TLSv1.2";
      return linesFix(
        "Accept TLS 1.2 and later only, in every server block that listens with ssl:",
        "nginx",
        [
          "# /etc/nginx/nginx.conf (http { }) and each server { } with 'listen ... ssl':",
          `ssl_protocols ${protocols};`,
          NGINX_RELOAD,
        ],
      );
    }
    case "apache": {
      // The TLSv1.3 keyword arrived in Apache 2.4.36.
      const protocols = atLeast(sw?.version, [2, 4, 36])
        ? "-all +TLSv1.2 +TLSv1.3"
        : "-all +TLSv1.2";
      return linesFix(
        "Accept TLS 1.2 and later only (mod_ssl, in ssl.conf or each SSL virtual host):",
        "apache",
        [`SSLProtocol ${protocols}`, APACHE_RELOAD],
      );
    }
    case "lighttpd":
      return linesFix(
        "Accept TLS 1.2 and later only (lighttpd 1.4.48 or later; older releases: update lighttpd):",
        "lighttpd",
        [
          '# /etc/lighttpd/lighttpd.conf, or the file that sets ssl.engine = "enable":',
          'ssl.openssl.ssl-conf-cmd = ("MinProtocol" => "TLSv1.2")',
          LIGHTTPD_RELOAD,
        ],
      );
    case "mosquitto":
      return linesFix("Accept TLS 1.2 and later only on the TLS listener:", "mosquitto", [
        "# mosquitto.conf, in the 'listener 8883' block (or /etc/config/mosquitto on OpenWrt/RutOS):",
        "tls_version tlsv1.2",
        MOSQUITTO_RELOAD,
      ]);
    case "asterisk":
      return linesFix(
        "Make the pjsip TLS transport speak TLS 1.2 (method), then reload pjsip:",
        "asterisk",
        [
          "; /etc/asterisk/pjsip.conf, the transport with protocol = tls:",
          "method = tlsv1_2",
          "; then: asterisk -rx 'module reload res_pjsip.so' (a changed TLS transport may need a restart)",
        ],
      );
    case "uhttpd":
      return { summary: UHTTPD_NOTE };
    default:
      return {
        summary:
          "Set the service's minimum TLS version to 1.2 in its TLS or HTTPS settings; a device without such a setting needs a firmware update (until then, reach it only through a VPN).",
      };
  }
}

/** Accept only forward-secret AEAD suites. */
export function tlsCiphersFix(sw: SoftwareSeen | undefined, kind: TlsServiceKind): Fix {
  const list = MODERN_CIPHERS.join(":");
  switch (product(sw, kind)) {
    case "nginx":
      return linesFix("Offer only forward-secret AEAD suites:", "nginx", [
        "# /etc/nginx/nginx.conf (http { }) and each server { } with 'listen ... ssl':",
        `ssl_ciphers ${list};`,
        "ssl_prefer_server_ciphers off;",
        NGINX_RELOAD,
      ]);
    case "apache":
      return linesFix("Offer only forward-secret AEAD suites (mod_ssl):", "apache", [
        `SSLCipherSuite ${list}`,
        "SSLHonorCipherOrder off",
        APACHE_RELOAD,
      ]);
    case "lighttpd":
      return linesFix(
        "Offer only forward-secret AEAD suites (lighttpd 1.4.48 or later):",
        "lighttpd",
        [`ssl.openssl.ssl-conf-cmd += ("CipherString" => "${list}")`, LIGHTTPD_RELOAD],
      );
    case "mosquitto":
      return linesFix("Offer only forward-secret AEAD suites on the TLS listener:", "mosquitto", [
        "# in the 'listener 8883' block:",
        `ciphers ${list}`,
        MOSQUITTO_RELOAD,
      ]);
    case "asterisk":
      return linesFix(
        "Offer only forward-secret AEAD suites on the pjsip TLS transport:",
        "asterisk",
        [
          "; /etc/asterisk/pjsip.conf, the transport with protocol = tls:",
          `cipher = ${MODERN_CIPHERS.join(",")}`,
          "; then: asterisk -rx 'module reload res_pjsip.so'",
        ],
      );
    case "uhttpd":
      return { summary: UHTTPD_NOTE };
    default:
      return {
        summary: `Restrict the service's cipher suites to forward-secret AEAD ones (for an OpenSSL-based server: ${list}); a device without such a setting needs a firmware update.`,
      };
  }
}

export interface CertificateProblems {
  expired: boolean;
  /** The key is too small (RSA/DSA under 2048 bits). */
  weakKey: boolean;
  /** Self-signed or not trusted by a verifying client. */
  untrusted: boolean;
}

/** Replace the certificate (and the key, when it is too small). */
export function tlsCertificateFix(
  sw: SoftwareSeen | undefined,
  kind: TlsServiceKind,
  p: CertificateProblems,
): Fix {
  const newKey = p.weakKey ? " with a new key (RSA 3072 bits, or ECDSA P-256)" : "";
  const own = p.untrusted
    ? "For a device's own web interface a self-signed certificate is acceptable if every client pins its fingerprint; otherwise issue one from your own CA (or a public CA for a public name). "
    : "";
  switch (product(sw, kind)) {
    case "uhttpd": {
      // uhttpd makes itself a new self-signed certificate (px5g) when none is there at start-up.
      const ref = {
        language: "uci" as const,
        package: "uhttpd",
        section: "@cert[0]",
        sectionType: "cert",
      };
      const lines = p.weakKey
        ? uciLines([{ op: "set", ref, option: "bits", value: "3072" }])
        : ["/etc/init.d/uhttpd restart"];
      // Remove the old pair before the restart (the last line) so uhttpd generates a new one.
      lines.splice(lines.length - 1, 0, "rm -f /etc/uhttpd.crt /etc/uhttpd.key");
      return linesFix(
        `${own}Let uhttpd generate a fresh self-signed certificate${newKey} as below, or upload your own (System > Administration > Certificates on RutOS; uhttpd.main.cert and key on OpenWrt):`,
        "uci",
        lines,
      );
    }
    case "nginx":
      return linesFix(`${own}Install a valid certificate${newKey} and its chain:`, "nginx", [
        "# in each server { } with 'listen ... ssl' (paths are placeholders for your files):",
        "ssl_certificate     /etc/ssl/certs/<host>-fullchain.pem;",
        "ssl_certificate_key /etc/ssl/private/<host>.key;",
        NGINX_RELOAD,
      ]);
    case "apache":
      return linesFix(`${own}Install a valid certificate${newKey} and its chain:`, "apache", [
        "SSLCertificateFile    /etc/ssl/certs/<host>-fullchain.pem",
        "SSLCertificateKeyFile /etc/ssl/private/<host>.key",
        APACHE_RELOAD,
      ]);
    case "mosquitto":
      return linesFix(
        `${own}Install a valid certificate${newKey} on the TLS listener:`,
        "mosquitto",
        [
          "certfile /etc/mosquitto/certs/<host>.crt",
          "keyfile  /etc/mosquitto/certs/<host>.key",
          MOSQUITTO_RELOAD,
        ],
      );
    default:
      return {
        summary: `${own}Install a valid certificate${newKey} in the service's TLS or HTTPS settings (on a router or intercom: its certificate page in the web interface), with the intermediate certificates, and renew it before it expires.`,
      };
  }
}
