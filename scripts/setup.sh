#!/usr/bin/env bash
# Brings a fresh Debian 12 machine to the point where `make` builds everything:
# Debian packages, Debian's V8 (libnode) unpacked into .deps/, npm packages.
# Idempotent: each part is skipped when it is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  postgresql-15 postgresql-server-dev-15 postgresql-15-cron
  build-essential
  # the headless browser of the CLI picture test (test/cli/, driven by playwright-core)
  chromium
  # libnode108's runtime dependencies (libnode itself is unpacked, not installed)
  libuv1 libicu72 libc-ares2 libnghttp2-14 libbrotli1 libssl3
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# libnode108 / libnode-dev conflict with the NodeSource nodejs package, so they are
# downloaded and unpacked into .deps/libnode instead of being installed.
libnode=.deps/libnode
if [[ ! -e $libnode/usr/lib/x86_64-linux-gnu/libnode.so.108 || ! -e $libnode/usr/include/node/v8.h ]]; then
  echo "setup: unpacking libnode108 + libnode-dev into $libnode"
  tmp=$(mktemp -d) && chmod 777 "$tmp"  # apt-get download writes as user _apt
  (cd "$tmp" && apt-get download libnode108 libnode-dev)
  rm -rf "$libnode" && mkdir -p "$libnode"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$libnode"; done
  rm -rf "$tmp"
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
echo "setup: ok"
