#!/usr/bin/env bash
# The scan test lab: real Debian servers playing edge devices, inside a network namespace of their
# own, so `bulwark scan` and its peers (nmap, ssh-audit, svmap) are tested against the real thing
# and never against anything outside this machine.
#
#   sudo bash scripts/lab.sh up       # build the namespace, start every server, wait until each
#                                     # answers, write $LAB_DIR/ready (JSON); when already up,
#                                     # only re-checks (and rebuilds if a server is gone)
#   sudo bash scripts/lab.sh status   # is each server answering? exit 0 only if all are
#   sudo bash scripts/lab.sh down     # stop them all, delete the namespace, the test user, $LAB_DIR
#
# Network: namespace `bwlab`, veth `bwlab0` (host, 10.203.0.1/24) <-> `bwlab1` (namespace,
# 10.203.0.2-10.203.0.9/24). Devices:
#   10.203.0.2 weak router: OpenSSH with passwords (and legacy algorithms) :22, inetutils telnetd :23
#              (via inetutils-inetd), lighttpd :80 (LuCI-style login page, /admin/ behind Basic
#              auth), snmpd community "public" read-only :161/udp, mosquitto anonymous :1883
#   10.203.0.3 hardened router: OpenSSH keys only :22, Dropbear without passwords :2222, nginx :80
#              (301 to https) and :443 (self-signed, TLS 1.0-1.3), mosquitto TLS + password :8883
#   10.203.0.4 Kamailio registrar, digest authentication on everything but OPTIONS, :5060 udp+tcp
#   10.203.0.5 Kamailio accepting REGISTER and INVITE without credentials, :5060 udp+tcp
# Every password, key and certificate is generated at `up`, lives only under $LAB_DIR (a tmpfs)
# and the ready file, and is gone at `down`. The Debian packages come from
# scripts/install-test-peers.sh; the services Debian may have started on the host itself are left
# alone (the namespace has its own ports).
set -euo pipefail

NS=bwlab
HOST_IF=bwlab0
NS_IF=bwlab1
HOST_ADDR=10.203.0.1
NS_ADDRS=(10.203.0.2 10.203.0.3 10.203.0.4 10.203.0.5 10.203.0.6 10.203.0.7 10.203.0.8 10.203.0.9)
WEAK=10.203.0.2
HARD=10.203.0.3
SIP_AUTH=10.203.0.4
SIP_OPEN=10.203.0.5
LAB_DIR=${BULWARK_LAB_DIR:-/run/bulwark-lab}
READY=$LAB_DIR/ready
LAB_USER=bwlab
# Seconds to wait for one server to answer after its start.
WAIT_S=${BULWARK_LAB_WAIT:-20}

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# What each server must answer for the lab to count as up: KIND ADDRESS PORT SERVER (the server's
# name, also its log: $LAB_DIR/log/SERVER.log).
CHECKS=(
  "tcp $WEAK 22 weak-router-openssh"
  "tcp $WEAK 23 weak-router-telnetd"
  "tcp $WEAK 80 weak-router-lighttpd"
  "snmp $WEAK 161 weak-router-snmpd"
  "tcp $WEAK 1883 weak-router-mosquitto"
  "tcp $HARD 22 hardened-router-openssh"
  "tcp $HARD 2222 hardened-router-dropbear"
  "tcp $HARD 80 hardened-router-nginx"
  "tcp $HARD 443 hardened-router-nginx"
  "tcp $HARD 8883 hardened-router-mosquitto"
  "sip $SIP_AUTH 5060 sip-auth-kamailio"
  "tcp $SIP_AUTH 5060 sip-auth-kamailio"
  "sip $SIP_OPEN 5060 sip-open-kamailio"
  "tcp $SIP_OPEN 5060 sip-open-kamailio"
)

# One probe from the host side: `answers KIND ADDRESS PORT`. tcp: a connection is accepted; snmp:
# an SNMPv1 GET of sysDescr.0 with community "public" gets a reply; sip: a SIP OPTIONS over UDP
# gets any SIP answer. Each waits at most ~1 s.
answers() {
  python3 - "$@" <<'PY'
import socket, sys
kind, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    if kind == "tcp":
        socket.create_connection((addr, port), timeout=1).close()
        sys.exit(0)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.203.0.1", 0))
    s.settimeout(0.3)
    if kind == "snmp":
        # SNMPv1 GetRequest, community "public", sysDescr.0 (1.3.6.1.2.1.1.1.0).
        msg = bytes.fromhex("302602010004067075626c6963a019020101020100020100300e300c06082b060102010101000500")
    else:
        lport = s.getsockname()[1]
        msg = (
            f"OPTIONS sip:{addr}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 10.203.0.1:{lport};branch=z9hG4bK-lab{lport};rport\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:lab@10.203.0.1>;tag=lab\r\n"
            f"To: <sip:{addr}:{port}>\r\n"
            f"Call-ID: lab-{lport}@10.203.0.1\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n"
        ).encode()
    for _ in range(3):
        s.sendto(msg, (addr, port))
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        ok = data.startswith(b"SIP/2.0 ") if kind == "sip" else data[:1] == b"\x30"
        sys.exit(0 if ok else 1)
    sys.exit(1)
except OSError:
    sys.exit(1)
PY
}

# Every check once; prints the failing ones; exit status 0 only when all answer.
check_all() {
  local failed=0 c kind addr port name
  for c in "${CHECKS[@]}"; do
    read -r kind addr port name <<<"$c"
    if ! answers "$kind" "$addr" "$port"; then
      log "not answering: $name ($addr:$port/$kind)"
      failed=1
    fi
  done
  return $failed
}

# Waits until `answers KIND ADDRESS PORT` succeeds; NAME's log is shown when it never does.
wait_for() {
  local kind=$1 addr=$2 port=$3 name=$4 deadline=$((SECONDS + WAIT_S))
  until answers "$kind" "$addr" "$port"; do
    if [ $SECONDS -ge $deadline ]; then
      log "$name did not answer on $addr:$port within ${WAIT_S}s; its log:"
      tail -n 20 "$LAB_DIR/log/$name.log" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.1
  done
}

# Starts NAME (its log in $LAB_DIR/log/NAME.log) inside the namespace, in its own session so the
# caller's terminal or CI job does not hold it; its pid in $LAB_DIR/pid/NAME.
start() {
  local name=$1
  shift
  ip netns exec "$NS" setsid "$@" >"$LAB_DIR/log/$name.log" 2>&1 </dev/null &
  echo $! >"$LAB_DIR/pid/$name"
}

secret() { openssl rand -hex 12; }

lab_down() {
  local pids=() p
  if [ -d "$LAB_DIR/pid" ]; then
    for p in "$LAB_DIR"/pid/*; do
      [ -f "$p" ] && pids+=("$(cat "$p")")
    done
  fi
  # Whatever else runs in the namespace was started from these (inetd's telnetd children, the
  # servers' workers): nothing but the lab lives there.
  if ip netns list | grep -qw "$NS"; then
    while read -r p; do pids+=("$p"); done < <(ip netns pids "$NS" 2>/dev/null || true)
  fi
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      local alive=0
      for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.1
    done
    kill -9 "${pids[@]}" 2>/dev/null || true
  fi
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "/etc/netns/$NS"
  ip link del "$HOST_IF" 2>/dev/null || true
  if id "$LAB_USER" >/dev/null 2>&1 && [ "$(getent passwd "$LAB_USER" | cut -d: -f5)" = "bulwark lab" ]; then
    userdel "$LAB_USER" 2>/dev/null || true
  fi
  rm -rf "$LAB_DIR"
}

make_network() {
  # `ip netns exec` binds /etc/netns/$NS/* over /etc: no name server inside the namespace (a
  # reverse lookup of the scanner, as telnetd and others do, would otherwise wait on one that is
  # out of reach), and the lab's own names.
  mkdir -p "/etc/netns/$NS"
  printf '# bulwark lab: no DNS inside the namespace\noptions timeout:1 attempts:1\n' \
    >"/etc/netns/$NS/resolv.conf"
  printf '127.0.0.1 localhost\n%s lab-host\n%s weak-router\n%s hardened-router\n%s sip-auth\n%s sip-open\n' \
    "$HOST_ADDR" "$WEAK" "$HARD" "$SIP_AUTH" "$SIP_OPEN" >"/etc/netns/$NS/hosts"
  ip netns add "$NS"
  ip link add "$HOST_IF" type veth peer name "$NS_IF"
  ip link set "$NS_IF" netns "$NS"
  ip addr add "$HOST_ADDR/24" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NS" link set lo up
  local a
  for a in "${NS_ADDRS[@]}"; do ip -n "$NS" addr add "$a/24" dev "$NS_IF"; done
  ip -n "$NS" link set "$NS_IF" up
  ip -n "$NS" route add default via "$HOST_ADDR" dev "$NS_IF"
  # The devices share one kernel, so they would share its ICMP budget too (port unreachable: one
  # a second after a burst of 6, per peer): a UDP probe of a closed port on one device would wait
  # out its time-out because other devices used the budget. Real devices each have their own.
  ip netns exec "$NS" sysctl -q -w net.ipv4.icmp_ratelimit=0
  # The addresses are usable at once (no duplicate address detection wait on IPv4; this is for
  # the link itself coming up).
  local deadline=$((SECONDS + 5))
  until ip -n "$NS" -o link show "$NS_IF" | grep -q 'state UP'; do
    [ $SECONDS -ge $deadline ] && die "veth $NS_IF did not come up"
    sleep 0.05
  done
}

# ---- configuration files ------------------------------------------------------------------------

write_ssh() {
  local d=$LAB_DIR/ssh
  mkdir -p "$d/keys" "$d/authorized_keys" /run/sshd
  chmod 700 "$d/keys"
  ssh-keygen -q -t ed25519 -N '' -C weak-router -f "$d/keys/weak_ed25519"
  ssh-keygen -q -t rsa -b 2048 -N '' -C weak-router -f "$d/keys/weak_rsa"
  ssh-keygen -q -t ed25519 -N '' -C hardened-router -f "$d/keys/hardened_ed25519"
  # The one login the hardened router accepts: a throw-away key for $LAB_USER.
  ssh-keygen -q -t ed25519 -N '' -C "$LAB_USER@lab" -f "$d/client_ed25519"
  cp "$d/client_ed25519.pub" "$d/authorized_keys/$LAB_USER"
  chmod 644 "$d/authorized_keys/$LAB_USER"
  # A router left as shipped years ago: passwords, and the legacy algorithms it still offers.
  cat >"$d/weak.conf" <<EOF
ListenAddress $WEAK:22
HostKey $d/keys/weak_ed25519
HostKey $d/keys/weak_rsa
PidFile $LAB_DIR/run/sshd-weak.pid
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
UsePAM no
KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
HostKeyAlgorithms +ssh-rsa
Ciphers +aes128-cbc,3des-cbc
MACs +hmac-sha1-96,hmac-md5
AuthorizedKeysFile $d/authorized_keys/%u
EOF
  # Keys only, and nothing but current algorithms.
  cat >"$d/hardened.conf" <<EOF
ListenAddress $HARD:22
HostKey $d/keys/hardened_ed25519
PidFile $LAB_DIR/run/sshd-hardened.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
UsePAM no
AuthenticationMethods publickey
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org
HostKeyAlgorithms ssh-ed25519
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
AuthorizedKeysFile $d/authorized_keys/%u
EOF
  dropbearkey -t ed25519 -f "$d/keys/dropbear_ed25519" >/dev/null 2>&1
  dropbearkey -t rsa -s 2048 -f "$d/keys/dropbear_rsa" >/dev/null 2>&1
}

write_telnet() {
  # inetutils-inetd with a configuration of its own: telnetd on the weak router's address only.
  cat >"$LAB_DIR/inetd.conf" <<EOF
$WEAK:telnet stream tcp nowait root /usr/sbin/telnetd telnetd
EOF
}

write_http_weak() {
  local d=$LAB_DIR/www/weak
  mkdir -p "$d/cgi-bin" "$d/luci-static/bootstrap" "$d/admin" "$LAB_DIR/lighttpd"
  # OpenWrt's own /www/index.html: a redirect to LuCI.
  cat >"$d/index.html" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Cache-Control" content="no-cache" />
<meta http-equiv="refresh" content="0; URL=cgi-bin/luci/" />
</head>
<body style="background-color: white">
<a style="color: black; font-family: arial, helvetica, sans-serif;" href="cgi-bin/luci/">LuCI - Lua Configuration Interface</a>
</body>
</html>
EOF
  printf 'body { font-family: sans-serif; }\n' >"$d/luci-static/bootstrap/cascade.css"
  printf '<html><body><h1>Router administration</h1></body></html>\n' >"$d/admin/index.html"
  # LuCI's sysauth login form, as the CGI answers it: 200 with the form; a POST (any credentials)
  # is refused with 403 and the form again, as LuCI does for a wrong password.
  cat >"$d/cgi-bin/luci" <<'EOF'
#!/bin/sh
status="200 OK"
error=""
if [ "$REQUEST_METHOD" = "POST" ]; then
  head -c "${CONTENT_LENGTH:-0}" >/dev/null
  status="403 Forbidden"
  error='<div class="alert-message warning"><p>Invalid username and/or password! Please try again.</p></div>'
fi
printf 'Status: %s\r\nContent-Type: text/html; charset=UTF-8\r\nCache-Control: no-cache\r\nX-CBI-State: 0\r\n\r\n' "$status"
cat <<HTML
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>OpenWrt - LuCI</title>
<meta name="viewport" content="initial-scale=1.0">
<link rel="stylesheet" href="/luci-static/bootstrap/cascade.css">
<script src="/cgi-bin/luci/admin/translations/en"></script>
<script src="/luci-static/resources/cbi.js"></script>
</head>
<body class="lang_en" data-page="admin">
<header><div class="fill"><div class="container"><a class="brand" href="/">OpenWrt</a></div></div></header>
<div id="maincontent" class="container">
<form method="post" class="cbi-map">
$error
<div class="cbi-section"><div class="cbi-section-node">
<div class="cbi-value"><label class="cbi-value-title" for="luci_username">Username</label>
<div class="cbi-value-field"><input class="cbi-input-text" type="text" name="luci_username" id="luci_username" autocomplete="username" value="root" /></div></div>
<div class="cbi-value cbi-value-last"><label class="cbi-value-title" for="luci_password">Password</label>
<div class="cbi-value-field"><input class="cbi-input-text" type="password" name="luci_password" id="luci_password" autocomplete="current-password" /></div></div>
</div></div>
<div class="cbi-page-actions"><button class="btn cbi-button cbi-button-apply" type="submit">Login</button></div>
</form>
</div>
<footer><a href="https://github.com/openwrt/luci">Powered by LuCI openwrt-23.05 branch</a></footer>
</body>
</html>
HTML
EOF
  chmod 755 "$d/cgi-bin/luci"
  printf 'admin:%s\n' "$HTTP_PASSWORD" >"$LAB_DIR/lighttpd/users"
  chgrp www-data "$LAB_DIR/lighttpd/users"
  chmod 640 "$LAB_DIR/lighttpd/users"
  cat >"$LAB_DIR/lighttpd/lighttpd.conf" <<EOF
server.modules = ("mod_auth", "mod_authn_file", "mod_cgi")
server.bind = "$WEAK"
server.port = 80
server.document-root = "$d"
server.pid-file = "$LAB_DIR/run/lighttpd.pid"
server.username = "www-data"
server.groupname = "www-data"
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html", ".css" => "text/css", ".js" => "application/javascript")
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }
auth.backend = "plain"
auth.backend.plain.userfile = "$LAB_DIR/lighttpd/users"
auth.require = ("/admin/" => ("method" => "basic", "realm" => "OpenWrt", "require" => "valid-user"))
EOF
}

write_snmp() {
  mkdir -p "$LAB_DIR/snmp/persist"
  chown Debian-snmp:Debian-snmp "$LAB_DIR/snmp/persist"
  cat >"$LAB_DIR/snmp/snmpd.conf" <<EOF
agentaddress udp:$WEAK:161
rocommunity public default
sysName weak-router
sysLocation bulwark lab
sysContact lab@example.invalid
sysDescr Linux weak-router (bulwark lab) OpenWrt-style
EOF
}

write_tls() {
  local d=$LAB_DIR/tls
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 30 \
    -subj "/CN=hardened-router.lab" -addext "subjectAltName=IP:$HARD" \
    -keyout "$d/hardened.key" -out "$d/hardened.crt" >/dev/null 2>&1
  chmod 644 "$d/hardened.crt"
  chmod 600 "$d/hardened.key"
}

write_nginx() {
  local d=$LAB_DIR/nginx
  mkdir -p "$d/tmp" "$LAB_DIR/www/hardened"
  printf '<html><head><title>Router</title></head><body>Router administration</body></html>\n' \
    >"$LAB_DIR/www/hardened/index.html"
  # TLS 1.0 and 1.1 stay enabled, as on many shipped devices; Debian's OpenSSL 3 accepts them only
  # at security level 0.
  cat >"$d/nginx.conf" <<EOF
daemon off;
worker_processes 1;
user www-data;
pid $LAB_DIR/run/nginx.pid;
error_log $LAB_DIR/log/hardened-router-nginx-error.log;
events { worker_connections 64; }
http {
  access_log $LAB_DIR/log/hardened-router-nginx-access.log;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  server {
    listen $HARD:80;
    return 301 https://\$host\$request_uri;
  }
  server {
    listen $HARD:443 ssl;
    ssl_certificate $LAB_DIR/tls/hardened.crt;
    ssl_certificate_key $LAB_DIR/tls/hardened.key;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_ciphers DEFAULT:@SECLEVEL=0;
    root $LAB_DIR/www/hardened;
    index index.html;
  }
}
EOF
}

write_mosquitto() {
  local d=$LAB_DIR/mosquitto
  mkdir -p "$d"
  cat >"$d/weak.conf" <<EOF
persistence false
log_dest stderr
user mosquitto
listener 1883 $WEAK
allow_anonymous true
EOF
  mosquitto_passwd -b -c "$d/hardened.passwd" "$MQTT_USER" "$MQTT_PASSWORD" 2>/dev/null
  cp "$LAB_DIR/tls/hardened.crt" "$d/hardened.crt"
  cp "$LAB_DIR/tls/hardened.key" "$d/hardened.key"
  chown mosquitto:mosquitto "$d/hardened.passwd" "$d/hardened.key" "$d/hardened.crt"
  chmod 600 "$d/hardened.passwd" "$d/hardened.key"
  cat >"$d/hardened.conf" <<EOF
persistence false
log_dest stderr
user mosquitto
listener 8883 $HARD
allow_anonymous false
password_file $d/hardened.passwd
certfile $d/hardened.crt
keyfile $d/hardened.key
EOF
}

# Kamailio: ADDRESS NAME, then the request route's body for REGISTER/INVITE/other.
write_kamailio() {
  local addr=$1 name=$2 body=$3
  local d=$LAB_DIR/kamailio/$name
  mkdir -p "$d"
  chown kamailio:kamailio "$d"
  cat >"$d/kamailio.cfg" <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
children=2
tcp_children=2
disable_tcp=no
auto_aliases=no
alias="$addr"
listen=udp:$addr:5060
listen=tcp:$addr:5060
server_header="Server: kamailio (bulwark lab $name)"
user_agent_header="User-Agent: kamailio (bulwark lab $name)"

mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!sanity_check()) exit;
  if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (is_method("OPTIONS") && uri == myself && \$rU == \$null) {
    sl_send_reply("200", "OK");
    exit;
  }
$body
}
EOF
}

write_kamailio_all() {
  # Every request but OPTIONS must carry digest credentials for user 100: REGISTER gets 401, the
  # rest 407, for unknown and known users alike.
  write_kamailio "$SIP_AUTH" sip-auth "  \$var(pw) = \"$SIP_PASSWORD\";
  if (!pv_auth_check(\"lab.bulwark\", \"\$var(pw)\", \"0\", \"0\") || \$au != \"100\") {
    auth_challenge(\"lab.bulwark\", \"0\");
    exit;
  }
  consume_credentials();
  if (is_method(\"REGISTER\")) { save(\"location\"); exit; }
  if (is_method(\"INVITE\")) {
    if (lookup(\"location\")) { t_relay(); exit; }
    sl_send_reply(\"404\", \"Not Found\");
    exit;
  }
  sl_send_reply(\"405\", \"Method Not Allowed\");"
  # Anyone may register and call: a registered user is called, any other number is answered at
  # once by the server itself (an open auto-attendant), BYE is accepted.
  write_kamailio "$SIP_OPEN" sip-open "  if (is_method(\"REGISTER\")) { save(\"location\"); exit; }
  if (is_method(\"INVITE\")) {
    if (lookup(\"location\")) { t_relay(); exit; }
    append_to_reply(\"Contact: <sip:\$rU@$SIP_OPEN:5060>\\r\\n\");
    sl_send_reply(\"200\", \"OK\");
    exit;
  }
  if (is_method(\"BYE\")) { sl_send_reply(\"200\", \"OK\"); exit; }
  sl_send_reply(\"405\", \"Method Not Allowed\");"
}

write_user() {
  if ! id "$LAB_USER" >/dev/null 2>&1; then
    useradd --no-create-home --home-dir /nonexistent --shell /bin/sh --comment "bulwark lab" "$LAB_USER"
  fi
  printf '%s:%s\n' "$LAB_USER" "$USER_PASSWORD" | chpasswd
}

write_ready() {
  local started=$1 tmp=$READY.tmp
  cat >"$tmp" <<EOF
{
  "namespace": "$NS",
  "hostInterface": "$HOST_IF",
  "hostAddress": "$HOST_ADDR",
  "addresses": [$(printf '"%s",' "${NS_ADDRS[@]}" | sed 's/,$//')],
  "startedAt": "$started",
  "upSeconds": $UP_SECONDS,
  "devices": {
    "weak-router": {
      "address": "$WEAK",
      "label": "weak router",
      "tcp": [22, 23, 80, 1883],
      "udp": [161],
      "services": {
        "ssh": { "port": 22, "transport": "tcp", "software": "OpenSSH", "passwordAuth": true,
          "legacyAlgorithms": ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "ssh-rsa", "aes128-cbc", "3des-cbc", "hmac-sha1-96", "hmac-md5"],
          "user": "$LAB_USER", "password": "$USER_PASSWORD" },
        "telnet": { "port": 23, "transport": "tcp", "software": "inetutils-telnetd", "user": "$LAB_USER", "password": "$USER_PASSWORD" },
        "http": { "port": 80, "transport": "tcp", "software": "lighttpd", "tls": false,
          "loginPage": "/cgi-bin/luci/", "loginMarkers": ["cgi-bin/luci", "luci_username", "luci_password"],
          "basicAuthPath": "/admin/", "basicAuthRealm": "OpenWrt", "user": "admin", "password": "$HTTP_PASSWORD" },
        "snmp": { "port": 161, "transport": "udp", "software": "net-snmp", "version": "v1/v2c", "community": "public", "access": "read-only", "sysName": "weak-router" },
        "mqtt": { "port": 1883, "transport": "tcp", "software": "mosquitto", "tls": false, "anonymous": true }
      }
    },
    "hardened-router": {
      "address": "$HARD",
      "label": "hardened router",
      "tcp": [22, 80, 443, 2222, 8883],
      "udp": [],
      "services": {
        "ssh": { "port": 22, "transport": "tcp", "software": "OpenSSH", "passwordAuth": false,
          "user": "$LAB_USER", "privateKey": "$LAB_DIR/ssh/client_ed25519" },
        "dropbear": { "port": 2222, "transport": "tcp", "software": "dropbear", "passwordAuth": false },
        "http": { "port": 80, "transport": "tcp", "software": "nginx", "tls": false, "redirect": "https://$HARD/" },
        "https": { "port": 443, "transport": "tcp", "software": "nginx", "tls": true,
          "tlsVersions": ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"], "selfSigned": true,
          "certificate": "$LAB_DIR/tls/hardened.crt", "subject": "CN=hardened-router.lab" },
        "mqtt": { "port": 8883, "transport": "tcp", "software": "mosquitto", "tls": true, "anonymous": false,
          "user": "$MQTT_USER", "password": "$MQTT_PASSWORD", "ca": "$LAB_DIR/tls/hardened.crt" }
      }
    },
    "sip-auth": {
      "address": "$SIP_AUTH",
      "label": "SIP registrar requiring authentication",
      "tcp": [5060],
      "udp": [5060],
      "services": {
        "sip": { "port": 5060, "transports": ["udp", "tcp"], "software": "kamailio", "auth": "digest",
          "realm": "lab.bulwark", "user": "100", "password": "$SIP_PASSWORD" }
      }
    },
    "sip-open": {
      "address": "$SIP_OPEN",
      "label": "SIP server accepting anonymous REGISTER and INVITE",
      "tcp": [5060],
      "udp": [5060],
      "services": {
        "sip": { "port": 5060, "transports": ["udp", "tcp"], "software": "kamailio", "auth": "none" }
      }
    }
  }
}
EOF
  chmod 600 "$tmp"
  mv "$tmp" "$READY"
}

lab_up() {
  if [ -f "$READY" ] && ip netns list | grep -qw "$NS"; then
    if check_all; then
      log "already up (every server answers); $READY"
      return 0
    fi
    log "some server is gone: rebuilding the lab"
  fi
  local t0 started
  t0=$(date +%s.%N)
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  lab_down
  local need=(ip ssh-keygen /usr/sbin/sshd dropbear dropbearkey inetutils-inetd /usr/sbin/telnetd
    lighttpd nginx snmpd mosquitto mosquitto_passwd kamailio openssl python3 chpasswd useradd)
  local missing=() c
  for c in "${need[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]} (run scripts/install-test-peers.sh)"

  mkdir -p "$LAB_DIR"/{log,pid,run}
  chmod 755 "$LAB_DIR"
  USER_PASSWORD=$(secret)
  HTTP_PASSWORD=$(secret)
  MQTT_USER=lab
  MQTT_PASSWORD=$(secret)
  SIP_PASSWORD=$(secret)
  make_network
  write_user
  write_ssh
  write_telnet
  write_http_weak
  write_snmp
  write_tls
  write_nginx
  write_mosquitto
  write_kamailio_all

  start weak-router-openssh /usr/sbin/sshd -D -e -f "$LAB_DIR/ssh/weak.conf"
  start weak-router-telnetd inetutils-inetd -d -p "$LAB_DIR/run/inetd.pid" "$LAB_DIR/inetd.conf"
  start weak-router-lighttpd lighttpd -D -f "$LAB_DIR/lighttpd/lighttpd.conf"
  start weak-router-snmpd env SNMP_PERSISTENT_DIR="$LAB_DIR/snmp/persist" snmpd -f -C \
    -c "$LAB_DIR/snmp/snmpd.conf" -I -smux -Le -u Debian-snmp -g Debian-snmp -p "$LAB_DIR/run/snmpd.pid"
  start weak-router-mosquitto mosquitto -c "$LAB_DIR/mosquitto/weak.conf"
  start hardened-router-openssh /usr/sbin/sshd -D -e -f "$LAB_DIR/ssh/hardened.conf"
  start hardened-router-dropbear dropbear -F -E -s -p "$HARD:2222" \
    -r "$LAB_DIR/ssh/keys/dropbear_ed25519" -r "$LAB_DIR/ssh/keys/dropbear_rsa" \
    -P "$LAB_DIR/run/dropbear.pid"
  start hardened-router-nginx nginx -c "$LAB_DIR/nginx/nginx.conf" -p "$LAB_DIR/nginx" \
    -e "$LAB_DIR/log/hardened-router-nginx-error.log"
  start hardened-router-mosquitto mosquitto -c "$LAB_DIR/mosquitto/hardened.conf"
  local k
  for k in sip-auth sip-open; do
    start "$k-kamailio" kamailio -DD -E -f "$LAB_DIR/kamailio/$k/kamailio.cfg" \
      -P "$LAB_DIR/run/kamailio-$k.pid" -Y "$LAB_DIR/kamailio/$k" -u kamailio -g kamailio \
      -m 32 -M 4
  done

  local failed=0 kind addr port name
  for c in "${CHECKS[@]}"; do
    read -r kind addr port name <<<"$c"
    wait_for "$kind" "$addr" "$port" "$name" || failed=1
  done
  if [ $failed -ne 0 ]; then
    lab_down
    die "the lab did not come up (see above)"
  fi
  UP_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  write_ready "$started"
  log "up in ${UP_SECONDS}s: $READY"
}

lab_status() {
  if ! ip netns list | grep -qw "$NS"; then
    log "down (no namespace $NS)"
    return 3
  fi
  [ -f "$READY" ] || log "namespace $NS exists but $READY does not"
  if check_all; then
    log "up: every server answers"
    return 0
  fi
  return 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, servers on ports 22-443)"
case ${1:-} in
  up) lab_up ;;
  down)
    t0=$(date +%s%N)
    lab_down
    log "down in $((($(date +%s%N) - t0) / 1000000)) ms"
    ;;
  status) lab_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
