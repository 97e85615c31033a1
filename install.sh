#!/bin/sh
# Install everything xalt needs on this machine, then build it (TypeScript and the C
# collector). Safe to run again. Debian packages are installed only when missing and only
# when running as root (otherwise the missing ones are listed).
set -eu
cd "$(dirname "$0")"

# cc/make build the collector; gfortran and g++ are used by the link-tracking tests;
# python3-venv by the Python hook tests; chromium drives the dashboard/report tests;
# binutils-gold and lld give the alternative linkers the link tests exercise (-fuse-ld=);
# slurm-wlm, munge, lmod and Open MPI make the one-node Slurm cluster the tests under
# test/slurm start (jobs load xalt through Lmod, MPI jobs run with mpirun and srun);
# rsyslog is the syslog daemon the syslog-transport tests start.
PACKAGES="gcc g++ gfortran make binutils binutils-gold lld python3 python3-venv chromium lsof procps
  slurm-wlm munge lmod openmpi-bin libopenmpi-dev rsyslog"

# Installed packages and every name they provide (binutils-gold is a virtual package on
# Debian 12, provided by binutils: asking dpkg for it by name would always say "missing").
have="$(dpkg-query -W -f='${Status}|${Package}, ${Provides}\n' 2>/dev/null \
  | sed -n 's/^install ok installed|//p' | tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort -u)"
missing=""
for p in $PACKAGES; do
  printf '%s\n' "$have" | grep -qx "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install.sh: installing Debian packages:$missing" >&2
    # wait for another apt/dpkg (unattended-upgrades, a second install.sh) instead of failing at once
    APT="apt-get -o DPkg::Lock::Timeout=120"
    $APT update -qq
    DEBIAN_FRONTEND=noninteractive $APT install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "install.sh: missing Debian packages (install them as root):$missing" >&2
  fi
fi

# npm install also builds (postinstall: tsc + the collector).
[ -d node_modules/better-sqlite3/build ] || echo "install.sh: npm compiles better-sqlite3 from source; that takes up to ~5 minutes with no output" >&2
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
