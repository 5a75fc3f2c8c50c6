#!/bin/sh
# Install the Debian packages carto's build, tests and tools need; a fast no-op when present.
set -e
PKGS="gcc make binutils nasm lz4 liblz4-dev grub-pc-bin grub-common xorriso mtools
qemu-system-x86 qemu-utils gdb python3 python3-pytest python3-pexpect python3-docutils"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
