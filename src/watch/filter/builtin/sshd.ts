/**
 * OpenSSH. One session is one `sshd[pid]` (the line head is the multi-line failure id): helper
 * lines that are no failure by themselves (`Connection from`, a publickey offer refused for an
 * existing user, `Received disconnect ... 11:`) give the address to a later line that has none
 * (`Disconnecting: Too many authentication failures`, an account locked), and a successful login
 * (`Accepted ...`) forgets what the session gathered.
 *
 * Parameters: `mode` = normal (default), ddos (connections dropped before authentication),
 * extra (algorithm negotiation failures), aggressive (all); `publickey` = nofail (default: a
 * refused key counts only as part of a failing session, or for an invalid user), invalid (only
 * for invalid users), any (every refused key), ignore (never).
 */
import { detector } from "./common.js";

export const SSHD = detector(
  String.raw`
_daemon = sshd(?:-session)?
# "error: " / "fatal: " / "error: PAM: " before the message
_level = (?:(?:error|fatal): (?:PAM: )?)?
# a user named in a "closed"/"disconnected" message, for the sessions that had one
_who = (?: (?:by|from))?(?: (?:invalid|authenticating) user <F-USER>\S+|.*?</F-USER>)?(?: from)?
# the names of negotiated algorithms: "cipher", "key exchange method", "MAC"...
_alg = (?:(?:\w+ (?!found\b)){0,2}\w+)
_closing = (?:Connection (?:closed|reset)|Disconnect(?:ed|ing))
_closing_reason = (?:: (?!Too many authentication failures)[^\[]+)?
`,
  String.raw`
[Definition]
prefregex = ^<F-MLFID><_head></F-MLFID><_level><F-CONTENT>.+</F-CONTENT>$

# how the failed method shows in "Failed <method> for": publickey offers per parameter
_method_nofail = (?:<F-NOFAIL>publickey</F-NOFAIL>|\S+)
_method_invalid = (?!publickey\b)\S+
_method_any = \S+
_method_ignore = (?!publickey\b)\S+
_method = <_method_<publickey>>

# a refused publickey of an invalid user is a failure (unless publickey=any or ignore, where the
# general rule decides)
_pubkey_invalid_nofail = ^Failed publickey for invalid user <F-USER>.*?</F-USER> from <HOST>(?: port \d+)?(?: ssh\d*)?(?:: .*|\s*)$
_pubkey_invalid_invalid = <_pubkey_invalid_nofail>
_pubkey_invalid_any =
_pubkey_invalid_ignore =

# "Failed <method> for [invalid user ]<name> from <addr> [port <n>] [ssh2][: <info>]": the name
# of an invalid user and the info are the client's words and may hold "from <addr> port <n>"
# themselves; the address is the first one followed by its port and the end of the line or ": "
_failed = ^Failed <_method> for (?:invalid user )?<F-USER>.*?</F-USER> from <HOST>(?: port \d+)?(?: on \S+(?: port \d+)?)?(?: ssh\d*)?(?:: .*|\s*)$

_auth = ^[aA]uthentication (?:failure|error|failed) for <F-USER>.*?</F-USER> (?:from )?<HOST>(?: via \S+)?<_tail>$
        ^User not known to the underlying authentication module for <F-USER>.*?</F-USER> (?:from )?<HOST><_tail>$
        <_pubkey_invalid_<publickey>>
        <_failed>
        ^<F-USER>ROOT</F-USER> LOGIN REFUSED FROM <HOST>
        ^[iI](?:llegal|nvalid) user <F-USER>.*?</F-USER> (?:from )?<HOST><_tail>$
        ^User <F-USER>\S+|.*?</F-USER> (?:from )?<HOST> not allowed because (?:not listed in AllowUsers|listed in DenyUsers|not in any group|a group is listed in DenyGroups|none of user's groups are listed in AllowGroups)<_tail>$
        ^refused connect from \S+ \(<HOST>\)
        ^Received <F-MLFFORGET>disconnect</F-MLFFORGET> from <HOST><_port>:\s*3: .*: Auth fail<_tail>$
        ^<F-NOFAIL>pam_[a-z]+\(sshd:auth\):\s+authentication failure;</F-NOFAIL>(?:\s+(?:(?:logname|e?uid|tty)=\S*)){0,4}\s+ruser=<F-ALT_USER>\S*</F-ALT_USER>\s+rhost=<HOST>(?:\s+user=<F-USER>\S*</F-USER>)?<_tail>$
        ^maximum authentication attempts exceeded for (?:invalid user )?<F-USER>.*?</F-USER> (?:from )?<HOST><_port>(?: ssh\d*)?<_tail>$
        ^User <F-USER>\S+|.*?</F-USER> not allowed because account is locked<_tail>
        ^<F-MLFFORGET>Disconnecting</F-MLFFORGET>(?: from)? (?:invalid|authenticating) user <F-USER>\S+</F-USER> <HOST><_port>:\s*Change of username or service not allowed:\s*.*\[preauth\]\s*$
        ^Disconnecting: Too many authentication failures(?: for <F-USER>\S+|.*?</F-USER>)?<_tail>$
        ^<F-NOFAIL>Received <F-MLFFORGET>disconnect</F-MLFFORGET></F-NOFAIL> from <HOST><_port>:\s*11:

# connections dropped before authentication (scanners, floods)
_early = ^(?:Did not receive identification string from|Timeout before authentication for(?: connection from)?) <HOST>
         ^kex_exchange_identification: (?:read: )?(?:[Cc]lient sent invalid protocol identifier|[Cc]onnection (?:closed by remote host|reset by peer))
         ^Bad protocol version identification '(?:[^']|.*?)' (?:from )?<HOST><_tail>$
         ^<F-NOFAIL>SSH: Server;Ltype:</F-NOFAIL> (?:Authname|Version|Kex);Remote: <HOST>-\d+;[A-Z]\w+:
         ^Read from socket failed: Connection <F-MLFFORGET>reset</F-MLFFORGET> by peer
         ^(?:banner exchange|ssh_dispatch_run_fatal): Connection from <HOST><_port>: (?:invalid format|(?:message authentication code incorrect|[Cc]onnection corrupted) \[preauth\])

# clients that cannot even agree on algorithms or methods
_nego = ^Received <F-MLFFORGET>disconnect</F-MLFFORGET> from <HOST><_port>:\s*14: No(?: supported)? authentication methods available
        ^Unable to negotiate with <HOST><_port>: no matching <_alg> found.
        ^Unable to negotiate a <_alg>
        ^no matching <_alg> found:

# a connection closed by the client: in normal mode a helper only (address and end of session);
# in ddos mode a failure when it happens before authentication ([preauth])
_closed_normal = ^<F-NOFAIL><F-MLFFORGET><_closing></F-MLFFORGET></F-NOFAIL><_who> <ADDR><_port><_closing_reason>(?: \[preauth\])?\s*$
_closed_ddos = ^<F-MLFFORGET><_closing></F-MLFFORGET><_who> <ADDR><_port><_closing_reason>\s+\[preauth\]\s*$
               ^<F-NOFAIL><F-MLFFORGET><_closing></F-MLFFORGET></F-NOFAIL><_who> <ADDR>(?:<_port><_closing_reason>|\s*)$
_closed_extra = ^<F-MLFFORGET>Disconnected</F-MLFFORGET>(?: from)? (?:invalid|authenticating) user <F-USER>\S+|.*?</F-USER> (?:from )?<HOST><_port> \[preauth\]\s*$
_closed_aggressive = <_closed_ddos>

_mode_normal =
_mode_ddos = <_early>
_mode_extra = <_nego>
_mode_aggressive = <_early>
                   <_nego>

failregex = <_auth>
            <_mode_<mode>>
            <_closed_<mode>>
            ^<F-NOFAIL>Connection from</F-NOFAIL> <HOST>
            ^<F-MLFFORGET><F-MLFGAINED>Accepted \w+</F-MLFGAINED></F-MLFFORGET> for <F-USER>\S+</F-USER> from <HOST>(?:\s|$)

mode = normal
publickey = nofail
ignoreregex =
maxlines = 1
journalmatch = _SYSTEMD_UNIT=sshd.service + _COMM=sshd + _COMM=sshd-session
`,
);
