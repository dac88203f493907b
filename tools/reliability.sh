#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the fault matrix (tests/test-fault-matrix.c), one operation per process, two at a time,
# and writes docs/reliability.md from the results. Usage: tools/reliability.sh [BUILD_DIR]
# (default build/; it is built first). Fails when any invariant was broken.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
build=${1:-build}
ninja -C "$build" tests/test-fault-matrix app/unbrick-cli
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
# the matrix writes many small files: keep them off the disk when there is a tmpfs
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export TMPDIR=/dev/shm
fi
export UB_DATA_DIR="$top/resources/data"
status=0
printf '%s\n' backup flash restore erase unlock option-bytes flash-debugprobe erase-daplink |
	xargs -P 2 -I OP sh -c '"$1" --op OP --results "$2/OP.tsv" > "$2/OP.log" 2>&1 ||
		{ echo "OP: broken invariants, see the log:"; tail -20 "$2/OP.log"; exit 1; }' \
		sh "$build/tests/test-fault-matrix" "$results" || status=1
python3 "$top/tools/reliability.py" "$top/docs/reliability.md" "$results"/*.tsv || status=1
grep -m1 'cells; every invariant' "$top/docs/reliability.md"
exit $status
