#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders every wizard page in the light and the dark Adwaita theme into docs/screenshots/,
# at the window's default size (PAGE-light.png, PAGE-dark.png) and filling a 1366x768 screen
# (PAGE-light-1366x768.png, PAGE-dark-1366x768.png), running the real app under Xvfb in demo
# mode; the app walks the simulated bench to each page through its widgets, so every page
# shows real results (the Recovery page at the moment it asks for the person's hand).
# Usage: tools/screenshots.sh [BUILDDIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
builddir=${1:-build}
app="$builddir/app/unbrick"
out=docs/screenshots
pages="welcome probe wiring connect recovery firmware flash done"

[ -x "$app" ] || { echo "screenshots: build first ($app missing)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is missing" >&2; exit 1; }
mkdir -p "$out"

# no session bus: each run is its own instance, and nothing is autolaunched
export DBUS_SESSION_BUS_ADDRESS=disabled:
export NO_AT_BRIDGE=1
export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$builddir/resources"
export LANGUAGE="${LANGUAGE:-en}"

for theme in light dark; do
	case $theme in
	light) gtk_theme=Adwaita ;;
	dark) gtk_theme=Adwaita:dark ;;
	esac
	for page in $pages; do
		# the bricked FOCBOX shows what Connect and Recovery are for; the healthy one the rest
		bench=focbox
		case $page in
		connect | recovery) bench=focbox-bricked ;;
		esac
		GTK_THEME=$gtk_theme xvfb-run -a -s "-screen 0 1280x800x24" \
			"$app" --demo "$bench" --screenshot-page "$page" \
			--screenshot-file "$out/$page-$theme.png"
		echo "$out/$page-$theme.png"
		GTK_THEME=$gtk_theme xvfb-run -a -s "-screen 0 1366x768x24" \
			"$app" --demo "$bench" --screenshot-page "$page" \
			--screenshot-size 1366x768 \
			--screenshot-file "$out/$page-$theme-1366x768.png"
		echo "$out/$page-$theme-1366x768.png"
	done
done
