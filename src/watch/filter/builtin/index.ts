/**
 * The built-in detectors: the project's own filter definitions, written in fail2ban's filter
 * format and loaded through the same reader and compiler as a user's filter file.
 */
import { ASTERISK } from "./asterisk.js";
import { DROPBEAR } from "./dropbear.js";
import { FREESWITCH } from "./freeswitch.js";
import { KAMAILIO } from "./kamailio.js";
import { SSHD } from "./sshd.js";
import { APACHE_AUTH, LIGHTTPD_AUTH, LUCI, NGINX_HTTP_AUTH, RUTOS_WEBUI } from "./web.js";

export interface BuiltinDetector {
  /** What it watches. */
  description: string;
  /** The detector as a filter file (fail2ban's format). */
  conf: string;
}

export const BUILTIN_DETECTORS: Record<string, BuiltinDetector> = {
  sshd: { description: "OpenSSH authentication failures", conf: SSHD },
  dropbear: { description: "Dropbear SSH authentication failures", conf: DROPBEAR },
  asterisk: {
    description: "Asterisk chan_sip, PJSIP, IAX2, AMI and security events (FreePBX, Wazo)",
    conf: ASTERISK,
  },
  freeswitch: { description: "FreeSWITCH (mod_sofia) authentication failures", conf: FREESWITCH },
  "nginx-http-auth": { description: "nginx HTTP authentication failures", conf: NGINX_HTTP_AUTH },
  "lighttpd-auth": { description: "lighttpd mod_auth failures", conf: LIGHTTPD_AUTH },
  "apache-auth": { description: "Apache httpd authentication failures", conf: APACHE_AUTH },
  luci: { description: "LuCI (OpenWrt web interface on uhttpd) login failures", conf: LUCI },
  "rutos-webui": { description: "Teltonika RutOS WebUI login failures", conf: RUTOS_WEBUI },
  kamailio: { description: "Kamailio pike blocks and authentication failures", conf: KAMAILIO },
};
