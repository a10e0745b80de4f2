#!/usr/bin/env bash
# Installs, from Debian's packages, the real programs some tests compare Bulwark against
# (fail2ban's own config readers today). Needs root; CI runs it from .ci/run. Tests that need a
# peer that is not installed say so and are skipped, so a plain clone still runs the rest.
set -euo pipefail
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-peers: not root or no apt-get; peer comparisons will be skipped" >&2
  exit 0
fi
PACKAGES=(fail2ban)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: fail2ban's readers are all the tests use; no service is started.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-test-peers: ${PACKAGES[*]} present"
