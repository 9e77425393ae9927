#!/usr/bin/env bash
# Installs what kubeforge and its lab need on a fresh Debian machine (run as root):
# Debian packages when missing, then the npm packages when node_modules is absent or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v sudo >/dev/null 2>&1 || need+=(sudo)
command -v perl >/dev/null 2>&1 || need+=(perl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "kubeforge: missing Debian packages (${need[*]}); run as root or install them" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

# the real programs that judge what kubeforge writes (unpacked, never on PATH)
bash scripts/judges/fetch.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

# the CLI runs compiled JavaScript when build/ is fresh (less memory, faster start), else tsx
bash scripts/build.sh
