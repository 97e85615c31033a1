#!/bin/sh
# Install everything xalt needs on this machine, then build it (TypeScript and the C
# collector). Safe to run again. Debian packages are installed only when missing and only
# when running as root (otherwise the missing ones are listed).
set -eu
cd "$(dirname "$0")"

# cc/make build the collector; gfortran and g++ are used by the link-tracking tests;
# python3-venv by the Python hook tests; chromium drives the dashboard/report tests;
# binutils-gold and lld give the alternative linkers the link tests exercise (-fuse-ld=).
PACKAGES="gcc g++ gfortran make binutils binutils-gold lld python3 python3-venv chromium lsof procps"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install.sh: installing Debian packages:$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "install.sh: missing Debian packages (install them as root):$missing" >&2
  fi
fi

# npm install also builds (postinstall: tsc + the collector).
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
