/**
 * Every recommendation of the five vendor guides (../shared/guidelines/ITEMS.md), with its stable
 * ID and the ways ITEMS.md suggests assessing it. Which rules cover each one is computed from the
 * rules' own meta (see coverage.ts), so the catalogue cannot claim a check that does not exist.
 */
import type { Mode } from "../rules/types.js";

export interface GuidelineItem {
  id: string;
  guide: "Teltonika" | "Robustel" | "BAS-IP" | "Wazo" | "VitalPBX";
  text: string;
  /** How ITEMS.md suggests the item be assessed. */
  suggested: Mode[];
  /** Where two guides disagree, what the catalogue says about it. */
  conflict?: string;
}

export const GUIDELINE_ITEMS: readonly GuidelineItem[] = [
  {
    id: "TEL-01",
    guide: "Teltonika",
    text: "Keep firmware up to date; flag versions older than the newest known",
    suggested: ["config", "probe", "fleet"],
  },
  {
    id: "TEL-02",
    guide: "Teltonika",
    text: "Strong, unique passwords for every service (WebUI, SSH, Post/Get API): 15\u201320+ chars, digits, symbols, upper and lower case",
    suggested: ["config", "probe"],
  },
  {
    id: "TEL-03",
    guide: "Teltonika",
    text: "Install packages only from trusted sources (package feeds, signature checking)",
    suggested: ["config"],
  },
  {
    id: "TEL-04",
    guide: "Teltonika",
    text: "Configure over SSH or HTTPS; no telnet or plain HTTP, above all remotely",
    suggested: ["config", "probe"],
  },
  {
    id: "TEL-05",
    guide: "Teltonika",
    text: "Disable unused services, above all administrative ones (WiFi, SMS Utilities, Web CLI)",
    suggested: ["config", "probe"],
  },
  {
    id: "TEL-06",
    guide: "Teltonika",
    text: "WiFi uses WPA3 or WPA2 with AES (CCMP); never TKIP, WEP or open",
    suggested: ["config"],
  },
  {
    id: "TEL-07",
    guide: "Teltonika",
    text: "Least privilege for every extra user account",
    suggested: ["config"],
  },
  {
    id: "TEL-08",
    guide: "Teltonika",
    text: "SMS and data limits set on the SIM",
    suggested: ["config"],
  },
  {
    id: "TEL-09",
    guide: "Teltonika",
    text: "Administrative services not exposed to the internet; if they must be, on unconventional ports (32768\u201365535)",
    suggested: ["config", "probe"],
  },
  {
    id: "TEL-10",
    guide: "Teltonika",
    text: "Remote access protected by the firewall and restricted to known source addresses (e.g. SSH WAN rule with a source)",
    suggested: ["config", "probe"],
  },
  {
    id: "TEL-11",
    guide: "Teltonika",
    text: "Disable WiFi if unneeded; reduce TX power rather than hiding the SSID",
    suggested: ["config"],
    conflict:
      "Conflicts with RBT-08 (hide the SSID). The audit profile decides: --profile teltonika (default) broadcasts and reduces power, --profile robustel hides.",
  },
  {
    id: "TEL-12",
    guide: "Teltonika",
    text: "Key-based authentication wherever possible (SSH)",
    suggested: ["config", "probe"],
  },
  {
    id: "TEL-13",
    guide: "Teltonika",
    text: "Record and compare MD5/SHA hashes of backups and firmware before uploading them",
    suggested: ["fleet"],
  },
  {
    id: "TEL-14",
    guide: "Teltonika",
    text: "SMS commands only from whitelisted phone-number groups",
    suggested: ["config"],
  },
  {
    id: "TEL-15",
    guide: "Teltonika",
    text: "Disable unnecessary SMS/call utilities, or SMS utilities entirely",
    suggested: ["config"],
  },
  {
    id: "TEL-16",
    guide: "Teltonika",
    text: "Regularly check and apply firmware updates",
    suggested: ["fleet"],
  },
  {
    id: "TEL-17",
    guide: "Teltonika",
    text: "Monitor access to administrative services continuously; Events Reporting rules for relevant events",
    suggested: ["config", "log"],
  },
  {
    id: "TEL-18",
    guide: "Teltonika",
    text: "Update passwords periodically",
    suggested: ["fleet", "config"],
  },
  {
    id: "TEL-19",
    guide: "Teltonika",
    text: "Audit configuration/management protocols regularly",
    suggested: ["fleet"],
  },
  {
    id: "TEL-20",
    guide: "Teltonika",
    text: "Review firewall and traffic rules regularly",
    suggested: ["fleet"],
  },
  {
    id: "TEL-21",
    guide: "Teltonika",
    text: "Review which services are used; disable unused ones",
    suggested: ["fleet"],
  },
  {
    id: "TEL-22",
    guide: "Teltonika",
    text: "Remote access through secure VPNs (IPsec, OpenVPN, WireGuard) instead of exposed services",
    suggested: ["config"],
  },
  {
    id: "TEL-23",
    guide: "Teltonika",
    text: "Periodic WiFi audits against current security requirements",
    suggested: ["fleet"],
  },
  {
    id: "TEL-24",
    guide: "Teltonika",
    text: "Review SIM SMS/data usage and limits",
    suggested: ["fleet", "manual"],
  },
  {
    id: "TEL-25",
    guide: "Teltonika",
    text: "Test new firmware before deploying it to production devices",
    suggested: ["manual", "fleet"],
  },
  {
    id: "RBT-01",
    guide: "Robustel",
    text: "SIM with a private IP address, never a public one (a public WAN address exposes the router and port forwards)",
    suggested: ["config", "probe"],
  },
  {
    id: "RBT-02",
    guide: "Robustel",
    text: "Ask the SIM provider for penetration tests and a network diagram of the APN",
    suggested: ["manual"],
  },
  {
    id: "RBT-03",
    guide: "Robustel",
    text: "Lock the SIM to the intended hardware (TAC lock)",
    suggested: ["manual"],
  },
  {
    id: "RBT-04",
    guide: "Robustel",
    text: "Disable unused Ethernet ports; disable DHCP on the LAN; choose a small, obscure LAN subnet",
    suggested: ["config"],
  },
  {
    id: "RBT-05",
    guide: "Robustel",
    text: "Configuration update by USB only with the device's own authentication key",
    suggested: ["config", "manual"],
  },
  {
    id: "RBT-06",
    guide: "Robustel",
    text: "Disable console access (web, SSH) unless needed; if needed, reachable only from permitted subnets",
    suggested: ["config", "probe"],
  },
  {
    id: "RBT-07",
    guide: "Robustel",
    text: "Alert when an Ethernet cable is unplugged (event reporting by SMS/email/cloud)",
    suggested: ["config", "log"],
  },
  {
    id: "RBT-08",
    guide: "Robustel",
    text: "Disable SSID broadcast on the router's access point (conflicts with TEL-11)",
    suggested: ["config"],
    conflict:
      "Conflicts with TEL-11 (reduce TX power rather than hide the SSID). The audit profile decides: --profile robustel hides, --profile teltonika (default) does not.",
  },
  {
    id: "RBT-09",
    guide: "Robustel",
    text: "Avoid WiFi; if used, WPA at minimum, WPA-Enterprise (RADIUS) or a MAC allow-list",
    suggested: ["config"],
  },
  {
    id: "RBT-10",
    guide: "Robustel",
    text: "End-to-end encryption: VPN from device or router to the cloud; check the APN lets the VPN through; no weak VPN types (PPTP)",
    suggested: ["config"],
  },
  {
    id: "RBT-11",
    guide: "Robustel",
    text: "Application-layer security (TLS) where the Thing-to-router link is not covered by the VPN",
    suggested: ["config", "probe"],
  },
  {
    id: "RBT-12",
    guide: "Robustel",
    text: "Central authentication (RADIUS, TACACS+, LDAP) with encrypted credentials",
    suggested: ["config"],
  },
  {
    id: "RBT-13",
    guide: "Robustel",
    text: "Diagnostic exports that contain logs and configuration are encrypted before they are shared",
    suggested: ["fleet"],
  },
  {
    id: "RBT-14",
    guide: "Robustel",
    text: "Role-based users: read-only guest, editor without user management, administrator",
    suggested: ["config"],
  },
  { id: "RBT-15", guide: "Robustel", text: "Email notifications over TLS", suggested: ["config"] },
  {
    id: "RBT-16",
    guide: "Robustel",
    text: "Industrial data (Modbus) sent over MQTT with TLS",
    suggested: ["config", "probe"],
  },
  {
    id: "RBT-17",
    guide: "Robustel",
    text: "Packet-filtering firewall (IP, MAC, protocol) and DMZ used deliberately",
    suggested: ["config"],
  },
  {
    id: "BAS-01",
    guide: "BAS-IP",
    text: "Vandal-resistant enclosure, installed per the vendor's guidelines",
    suggested: ["manual"],
  },
  {
    id: "BAS-02",
    guide: "BAS-IP",
    text: "Not exposed to public access; reachable only from the local network",
    suggested: ["probe", "config"],
  },
  {
    id: "BAS-03",
    guide: "BAS-IP",
    text: "Only necessary systems and people reach the device; segmented network",
    suggested: ["config", "manual"],
  },
  {
    id: "BAS-04",
    guide: "BAS-IP",
    text: "Web interface for configuration only; sessions ended after configuration",
    suggested: ["probe", "manual"],
  },
  {
    id: "BAS-05",
    guide: "BAS-IP",
    text: "Credentials, unfiltered configuration files, network logs and keys are never shared",
    suggested: ["fleet"],
  },
  {
    id: "BAS-06",
    guide: "BAS-IP",
    text: "Strong administrator password, kept confidential",
    suggested: ["config", "probe"],
  },
  {
    id: "BAS-07",
    guide: "BAS-IP",
    text: "Latest firmware",
    suggested: ["config", "probe", "fleet"],
  },
  {
    id: "BAS-08",
    guide: "BAS-IP",
    text: "SIP with authentication, no anonymous accounts, SIP over TLS",
    suggested: ["config", "probe"],
  },
  {
    id: "BAS-09",
    guide: "BAS-IP",
    text: "Access limited by time profiles where 24/7 access is not needed",
    suggested: ["config"],
  },
  {
    id: "BAS-10",
    guide: "BAS-IP",
    text: "Video stream: audio disabled when only video is needed; strong password and allowed-IP list",
    suggested: ["config", "probe"],
  },
  {
    id: "BAS-11",
    guide: "BAS-IP",
    text: "SMTP with authentication and server certificate verification",
    suggested: ["config"],
  },
  {
    id: "BAS-12",
    guide: "BAS-IP",
    text: "HTTP API over TLS with a strong password",
    suggested: ["config", "probe"],
  },
  {
    id: "BAS-13",
    guide: "BAS-IP",
    text: "Remote relay module so the lock cannot be opened from the outdoor unit",
    suggested: ["manual"],
  },
  {
    id: "BAS-14",
    guide: "BAS-IP",
    text: "Unique PIN access code for each user",
    suggested: ["config"],
  },
  {
    id: "WAZ-01",
    guide: "Wazo",
    text: "fail2ban jail on Asterisk failed registrations (SIP brute force)",
    suggested: ["config", "log"],
  },
  {
    id: "WAZ-02",
    guide: "Wazo",
    text: "fail2ban jail on the provisioning server (device-creation DoS, config file name guessing)",
    suggested: ["config", "log"],
  },
  { id: "WAZ-03", guide: "Wazo", text: "fail2ban jail on SSH", suggested: ["config", "log"] },
  {
    id: "WAZ-04",
    guide: "Wazo",
    text: "Firewall rules configured (iptables is installed but has no rules by default)",
    suggested: ["config"],
  },
  {
    id: "WAZ-05",
    guide: "Wazo",
    text: "Phones and VoIP gateways not reachable from the internet",
    suggested: ["probe"],
  },
  {
    id: "WAZ-06",
    guide: "Wazo",
    text: "Default admin and user passwords of phones changed (via provisioning where possible)",
    suggested: ["config", "probe"],
  },
  {
    id: "WAZ-07",
    guide: "Wazo",
    text: "Review services listening on 0.0.0.0; rebind those that need no exposure",
    suggested: ["config", "probe"],
  },
  {
    id: "VPX-01",
    guide: "VitalPBX",
    text: "Extension auth username never equal to the extension number; strong, unique, random passwords",
    suggested: ["config"],
  },
  {
    id: "VPX-02",
    guide: "VitalPBX",
    text: "Permit/Deny network ACLs on devices that register from known networks",
    suggested: ["config"],
  },
  {
    id: "VPX-03",
    guide: "VitalPBX",
    text: "Bind address limits which networks can register",
    suggested: ["config"],
  },
  {
    id: "VPX-04",
    guide: "VitalPBX",
    text: "Default ports changed (PJSIP, IAX2, SSH)",
    suggested: ["config", "probe"],
  },
  {
    id: "VPX-05",
    guide: "VitalPBX",
    text: "Unused service ports disabled (e.g. IAX2 when not used)",
    suggested: ["config", "probe"],
  },
  {
    id: "VPX-06",
    guide: "VitalPBX",
    text: "Inbound calls land only in restrictive contexts (class of service; no IVR or trunk context that can dial out)",
    suggested: ["config"],
  },
  {
    id: "VPX-07",
    guide: "VitalPBX",
    text: "Firewall always active; PBX behind a firewall and/or SBC",
    suggested: ["config", "probe"],
  },
  {
    id: "VPX-08",
    guide: "VitalPBX",
    text: "fail2ban on SSH, PJSIP/IAX2 registration and web login, with tunable attempts and ban time",
    suggested: ["config", "log"],
  },
];
