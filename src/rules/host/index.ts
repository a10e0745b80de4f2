/** Linux host rules: fail2ban jails, the host firewall, listening sockets and sshd. */
import type { Rule } from "../types.js";
import { fail2banIgnoreipPublic } from "./fail2ban-ignoreip-public.js";
import { fail2banJailProvisioning } from "./fail2ban-jail-provisioning.js";
import { fail2banJailSip } from "./fail2ban-jail-sip.js";
import { fail2banJailSsh } from "./fail2ban-jail-ssh.js";
import { fail2banJailTuning } from "./fail2ban-jail-tuning.js";
import { fail2banJailWebLogin } from "./fail2ban-jail-web-login.js";
import { hostFirewallActive } from "./host-firewall-active.js";
import { hostFirewallPbxPorts } from "./host-firewall-pbx-ports.js";
import { servicesListeningAny } from "./services-listening-any.js";
import { sshDefaultPort } from "./ssh-default-port.js";

export const HOST_RULES: Rule[] = [
  fail2banJailSip,
  fail2banJailProvisioning,
  fail2banJailSsh,
  fail2banJailWebLogin,
  fail2banJailTuning,
  fail2banIgnoreipPublic,
  hostFirewallActive,
  hostFirewallPbxPorts,
  servicesListeningAny,
  sshDefaultPort,
];
