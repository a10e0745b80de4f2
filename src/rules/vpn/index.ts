/** Remote access rules: VPN protocols, administration through a VPN, central authentication. */
import type { Rule } from "../types.js";
import { centralAuthentication } from "./central-authentication.js";
import { remoteAccessViaVpn } from "./remote-access-via-vpn.js";
import { vpnNoWeakProtocols } from "./vpn-no-weak-protocols.js";

export const VPN_RULES: Rule[] = [vpnNoWeakProtocols, remoteAccessViaVpn, centralAuthentication];
