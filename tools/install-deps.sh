#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs every Debian 12 package unbrick needs to build, run and test.
set -eu
packages="meson ninja-build pkg-config gcc python3
libglib2.0-dev libgtk-3-dev libusb-1.0-0-dev libjson-glib-dev libunicorn-dev libsoup-3.0-dev
libumockdev-dev umockdev stlink-tools openocd binutils-arm-none-eabi
gettext desktop-file-utils udev appstream xvfb xauth imagemagick dbus-x11 at-spi2-core
clang libclang-rt-14-dev"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
