import type { Rule } from "../types.js";
import { amiDefaultPort } from "./ami-default-port.js";
import { amiNotExposed } from "./ami-not-exposed.js";
import { amiUserAcl } from "./ami-user-acl.js";
import { amiUserSecret } from "./ami-user-secret.js";
import { amiWritePrivileges } from "./ami-write-privileges.js";
import { ariPasswordPlain } from "./ari-password-plain.js";
import { ariUserSecret } from "./ari-user-secret.js";
import { asteriskHttpExposure } from "./asterisk-http-exposure.js";
import { asteriskSecurityLogForFail2ban } from "./asterisk-security-log-for-fail2ban.js";

export const PBX_SERVICES_RULES: Rule[] = [
  amiNotExposed,
  amiDefaultPort,
  amiUserAcl,
  amiUserSecret,
  amiWritePrivileges,
  asteriskHttpExposure,
  ariPasswordPlain,
  ariUserSecret,
  asteriskSecurityLogForFail2ban,
];
