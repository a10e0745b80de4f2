/**
 * Asterisk: chan_sip and PJSIP registration and call failures, IAX2, the manager interface (AMI),
 * the security event log (`SecurityEvent="InvalidPassword"...`), and two dialplan conventions:
 * FreePBX's `Rejecting unknown SIP connection from ...` (from-sip-external) and its `Friendly
 * Scanner from ...` warning. Wazo's logs are Asterisk's own and are covered by the same rules.
 * Lines may come from /var/log/asterisk/messages (`[date] LEVEL[pid] file.c: msg`), from syslog
 * (`asterisk[pid]: LEVEL[pid]: file.c:123 in func: msg`) or the journal.
 */
import { detector } from "./common.js";

export const ASTERISK = detector(
  `
_daemon = asterisk
`,
  String.raw`
[Definition]
# "NOTICE[1638]", "NOTICE [22382]", "WARNING[6756][C-0000001d]", with or without colons, then the
# source ("chan_sip.c:", "res_pjsip_session.c:2337 new_invite:", "chan_sip.c:23417 in handle_request_register:",
# "Ext. s:6 in @ from-sip-external:")
_level = (?:NOTICE|SECURITY|WARNING)(?:\s*\[\d+\])?:?(?:\[C-[\da-f]*\])?:?
_source = [^:]+:\d*(?:(?: in)? [^:]+:)?
# the journal may keep Asterisk's own timestamp in the message
_stamp_file =
_stamp_rfc5424 =
_stamp_journal = (?:\[[^\]]+\]\s+)?
prefregex = ^<_head><_stamp_<logtype>><_level> <_source> <F-CONTENT>.+</F-CONTENT>$

# "'1.2.3.4:5060'", "'[2001:db8::1]:5060'"
_peer = <HOST>(?::\d+)?
# a security event: the client writes some fields (AccountID, SessionID...) and may fake a
# RemoteAddress inside one; the real one is followed by well-formed fields only
failregex = ^Registration from '[^']*' failed for '<_peer>' - (?:Wrong password|Username/auth name mismatch|No matching peer found|Not a local domain|Device does not match ACL|Peer is not supposed to register|ACL error \(permit/deny\))$
            ^Call (?:from '[^']*' )?\((?:(?:TCP|UDP|TLS|WSS?):)?<HOST>:\d+\) to extension '[^']*' rejected because extension not found in context '[^']*'\.?$
            ^(?:Host )?<HOST> (?:failed (?:to authenticate\b|MD5 authentication\b)|tried to authenticate with nonexistent user\b)
            ^No registration for peer '[^']*' \(from <HOST>\)$
            ^hacking attempt detected '<HOST>'$
            ^SecurityEvent="(?:FailedACL|InvalidAccountID|ChallengeResponseFailed|InvalidPassword)",.*?,RemoteAddress="IPV[46]/[^/"]+/<HOST>/\d+"(?:,(?!RemoteAddress=)\w+="[^"]*")*,?$
            ^"Rejecting unknown SIP connection from <_peer>"$
            ^Friendly Scanner from <HOST>$
            ^Request (?:'[^']*' )?from '.*' failed for '<_peer>' \(callid: [^)]*\) - (?:No matching endpoint found|Not match Endpoint(?: Contact)? ACL|(?:Failed|Error) to authenticate)(?: after \d+ tries in [\d.]+ ms)?$
ignoreregex =
journalmatch = _SYSTEMD_UNIT=asterisk.service
`,
);
