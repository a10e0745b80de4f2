/** SIP and IAX2 rules: credentials, ACLs, listeners, anonymous access, encryption. */
import type { Rule } from "../types.js";
import { iax2DisabledIfUnused } from "./iax2-disabled-if-unused.js";
import { sipAclRestricted } from "./sip-acl-restricted.js";
import { sipAlwaysAuthReject } from "./sip-always-auth-reject.js";
import { sipAuthUsernameNotExtension } from "./sip-auth-username-not-extension.js";
import { sipBindAddress } from "./sip-bind-address.js";
import { sipDefaultPorts } from "./sip-default-ports.js";
import { sipNoAnonymousCalls } from "./sip-no-anonymous-calls.js";
import { sipPasswordStrength } from "./sip-password-strength.js";
import { sipPasswordUnique } from "./sip-password-unique.js";
import { sipTlsSrtp } from "./sip-tls-srtp.js";

export const PBX_SIP_RULES: Rule[] = [
  sipAuthUsernameNotExtension,
  sipPasswordStrength,
  sipPasswordUnique,
  sipAclRestricted,
  sipBindAddress,
  sipDefaultPorts,
  iax2DisabledIfUnused,
  sipNoAnonymousCalls,
  sipAlwaysAuthReject,
  sipTlsSrtp,
];
