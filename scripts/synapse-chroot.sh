#!/usr/bin/env bash
# Builds (idempotently) a Debian sid minbase chroot with matrix-synapse for the end-to-end Matrix tests.
# The chroot lives outside the repository: $LIAISON_SYNAPSE_ROOT, default ~/.cache/liaison/synapse-sid.
# Needs root and debootstrap (installed with apt-get when missing). Exit codes: 0 ready, 2 cannot build here
# (the reason is printed on stderr), anything else a failure while building.
set -euo pipefail

root="${LIAISON_SYNAPSE_ROOT:-${HOME}/.cache/liaison/synapse-sid}"
stamp="$root/.liaison-synapse-ready"

cannot() { echo "synapse-chroot: cannot build the Synapse chroot: $*" >&2; exit 2; }

if [ -f "$stamp" ] && [ -x "$root/usr/bin/python3" ] && [ -d "$root/usr/lib/python3/dist-packages/synapse" ]; then
  echo "$root"
  exit 0
fi

[ "$(id -u)" = 0 ] || cannot "not running as root (debootstrap and chroot need root)"

# The mirror this machine's apt already uses also serves sid.
mirror="${LIAISON_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(grep -hoE '^(URIs:|deb) *[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '{print $2}' | grep -v -- '-security' | grep -E '/debian/?$' | head -n1 || true)"
fi
[ -n "$mirror" ] || mirror="http://deb.debian.org/debian"

if ! command -v debootstrap >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || cannot "debootstrap is missing and apt-get is not available"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2; } \
    || cannot "apt-get could not install debootstrap"
fi

mkdir -p "$(dirname "$root")"
if [ ! -x "$root/usr/bin/apt-get" ] || [ ! -f "$root/.liaison-debootstrap-done" ]; then
  rm -rf "$root"
  debootstrap --variant=minbase sid "$root" "$mirror" >&2 || cannot "debootstrap sid from $mirror failed"
  touch "$root/.liaison-debootstrap-done"
fi

# No services may start inside the chroot while installing.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# Mirrors and snapshots older than the machine's clock serve Release files past their Valid-Until date.
printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' > "$root/etc/apt/apt.conf.d/99liaison"

mounted_proc=0
if ! mountpoint -q "$root/proc"; then mount -t proc proc "$root/proc" && mounted_proc=1; fi
cleanup() { if [ "$mounted_proc" = 1 ]; then umount "$root/proc" || true; fi; }
trap cleanup EXIT

chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
echo "matrix-synapse matrix-synapse/server-name string localhost" | chroot "$root" debconf-set-selections || true
echo "matrix-synapse matrix-synapse/report-stats boolean false" | chroot "$root" debconf-set-selections || true
chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends matrix-synapse >&2 \
  || cannot "apt-get install matrix-synapse in the sid chroot failed (the mirror may not provide it)"
chroot "$root" /usr/bin/python3 -c 'import synapse; print(synapse.__version__)' > "$root/.liaison-synapse-version"
touch "$stamp"
echo "$root"
