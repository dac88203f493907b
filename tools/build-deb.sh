#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian binary packages from the committed tree (a clean clone of HEAD in a
# temporary folder, so the checkout stays untouched), then runs lintian on them; fails on any
# lintian error. The .deb files end up in OUTDIR (default: ./build-deb).
#
#   ./tools/build-deb.sh [OUTDIR]
#
# Needs: debhelper devscripts lintian dpkg-dev fakeroot, and the Build-Depends of
# debian/control (`sudo apt-get build-dep ./` or ./tools/install-deps.sh). Not run in CI: it
# builds and tests everything a third time (about four minutes on two cores).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=${1:-$top/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/unbrick-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT

git clone -q "$top" "$work/unbrick"
cd "$work/unbrick"
dpkg-buildpackage -b -us -uc
cd "$work"
cp ./*.deb ./*.changes ./*.buildinfo "$out"/
lintian --fail-on error --info "$work"/*.changes
echo "packages in $out:"
ls "$out"/*.deb
