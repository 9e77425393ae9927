#!/usr/bin/env bash
# Unpacks the real programs that judge what kubeforge writes (dockerd 20.10, containerd 1.6,
# runc, chronyd, shellcheck, dnf, rpm) from Debian's packages into a cache folder, without
# installing them as services of this machine: `apt-get download` + `dpkg -x`.
# A lab host still gets "command not found" for docker, containerd and chronyd until its own
# `yum install` brings them: nothing lands on this machine's PATH.
# Usage: fetch.sh [PACKAGE...]   (default: every judge). Prints nothing when all are there.
set -euo pipefail
dir="${KUBEFORGE_JUDGES_DIR:-/var/cache/kubeforge/judges}"
pkgs=("$@")
[ "${#pkgs[@]}" -gt 0 ] || pkgs=(docker.io containerd runc chrony shellcheck)
mkdir -p "$dir/debs" "$dir/root"
missing=()
for p in "${pkgs[@]}"; do
  [ -f "$dir/debs/$p.done" ] || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "kubeforge: judges missing (${missing[*]}); run as root to fetch them" >&2
  exit 1
fi
echo "fetching real programs from Debian's packages: ${missing[*]}" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
download() { (cd "$tmp" && apt-get download -qq "$@" 2>/dev/null); }
if ! download "${missing[@]}"; then
  apt-get update -qq >&2
  download "${missing[@]}"
fi
for deb in "$tmp"/*.deb; do
  dpkg -x "$deb" "$dir/root"
done
for p in "${missing[@]}"; do : >"$dir/debs/$p.done"; done
