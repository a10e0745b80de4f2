#!/usr/bin/env bash
# Installs, from Debian's packages, the real programs the tests run against: fail2ban (its own
# config readers and fail2ban-regex, compared side by side), python3-aiosmtpd (a local SMTP server
# that receives alert mail), nftables, ipset and iptables (bans applied for real inside network
# namespaces the tests create), iproute2 (`ip netns`) and openssl (throw-away certificates for
# STARTTLS/SMTPS); for the scan lab (scripts/lab.sh), the servers it runs inside its own network
# namespace (openssh-server, dropbear-bin, kamailio, nginx, lighttpd, inetutils-telnetd with
# inetutils-inetd, mosquitto, snmpd) and the peers `bulwark scan` is compared with (nmap, ssh-audit,
# sipvicious). Needs root; CI runs it from .ci/run. Tests that need a peer that is not
# installed say so and are skipped, so a plain clone still runs the rest. Idempotent.
set -euo pipefail
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-peers: not root or no apt-get; peer comparisons will be skipped" >&2
  exit 0
fi
PACKAGES=(fail2ban python3-aiosmtpd nftables ipset iptables iproute2 openssl openssh-server
  dropbear-bin kamailio nginx lighttpd inetutils-telnetd inetutils-inetd mosquitto snmpd
  nmap ssh-audit sipvicious)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian starts a daemon right after installing it (nginx on :80, sshd, kamailio, ...). The tests
  # start their own instances (the lab in its namespace), so a policy-rc.d that denies every start
  # is put in place for the install, unless the machine already has one.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# install-test-peers.sh: no service starts during the install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  # --no-install-recommends: the tests use these programs directly.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-test-peers: ${PACKAGES[*]} present"
