/** Router rules: services, access, accounts, firewall, network, firmware. */
import type { Rule } from "../types.js";
import { accountDefaultPassword } from "./account-default-password.js";
import { accountEmptyPassword } from "./account-empty-password.js";
import { accountWeakHash } from "./account-weak-hash.js";
import { adminServicesNotOnWan } from "./admin-services-not-on-wan.js";
import { adminWanSourceRestricted } from "./admin-wan-source-restricted.js";
import { adminWanUnconventionalPort } from "./admin-wan-unconventional-port.js";
import { firewallCustomRulesReview } from "./firewall-custom-rules-review.js";
import { firmwareCurrent } from "./firmware-current.js";
import { lanDhcpDisabled, lanSubnetNotDefault } from "./lan-dhcp-and-subnet.js";
import { passwordPolicyStrength } from "./password-policy-strength.js";
import { passwordRotation } from "./password-rotation.js";
import { portForwardsRestricted } from "./port-forwards-restricted.js";
import { rpcdLeastPrivilege } from "./rpcd-least-privilege.js";
import { snmpDefaultCommunity } from "./snmp-default-community.js";
import { sshPasswordAuth } from "./ssh-password-auth.js";
import { sshRootPasswordAuth } from "./ssh-root-password-auth.js";
import { telnetDisabled } from "./telnet-disabled.js";
import { upnpDisabled } from "./upnp-disabled.js";
import { wanAddressPrivate } from "./wan-address-private.js";
import { wanInputPolicy } from "./wan-input-policy.js";
import { webCliDisabled } from "./web-cli-disabled.js";
import { webuiHttpsOnly } from "./webui-https-only.js";

export const ROUTER_RULES: Rule[] = [
  firmwareCurrent,
  accountEmptyPassword,
  accountDefaultPassword,
  accountWeakHash,
  passwordPolicyStrength,
  passwordRotation,
  rpcdLeastPrivilege,
  sshPasswordAuth,
  sshRootPasswordAuth,
  telnetDisabled,
  webuiHttpsOnly,
  webCliDisabled,
  snmpDefaultCommunity,
  upnpDisabled,
  wanInputPolicy,
  adminServicesNotOnWan,
  adminWanSourceRestricted,
  adminWanUnconventionalPort,
  portForwardsRestricted,
  firewallCustomRulesReview,
  wanAddressPrivate,
  lanDhcpDisabled,
  lanSubnetNotDefault,
];
