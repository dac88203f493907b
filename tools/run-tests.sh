#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds unbrick twice (warnings as errors; then AddressSanitizer + UBSan, leaks checked with
# tools/lsan.supp) and runs every test in both. Ends with "N passed, N failed" counted from
# meson's own test log (skips on the line before). A leak's stack stops at g_malloc (GLib has
# no frame pointers): run the test again with ASAN_OPTIONS=fast_unwind_on_malloc=0 to see it.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
status=0

run_build() {
	dir=$1
	shift
	if [ ! -d "$dir" ]; then
		meson setup "$dir" -Dwerror=true "$@" || return 1
	fi
	meson compile -C "$dir" || return 1
	meson test -C "$dir" --print-errorlogs --num-processes 2 || true
}

run_build build-ci || status=1
ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions="$top/tools/lsan.supp":print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_build build-ci-asan -Db_sanitize=address,undefined -Db_lundef=false || status=1

python3 - "$top/build-ci" "$top/build-ci-asan" "$status" <<'PY'
import json, os, re, sys
passed = failed = skipped = 0
skipped_cases = []
for d in sys.argv[1:3]:
    log = os.path.join(d, 'meson-logs', 'testlog.json')
    if not os.path.exists(log):
        failed += 1
        print(f'{d}: no test log (build failed)')
        continue
    for line in open(log):
        line = line.strip()
        if not line:
            continue
        entry = json.loads(line)
        r = entry['result']
        # a TAP test that skips some of its cases still passes; list those cases too
        for case in re.findall(r'^ok \d+ (.*) # SKIP(.*)$', entry.get('stdout') or '', re.M):
            skipped_cases.append('%s: %s:%s' % (os.path.basename(d), case[0], case[1]))
        if r in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif r == 'SKIP':
            skipped += 1
        else:
            failed += 1
if sys.argv[3] != '0':
    failed += 1
for case in skipped_cases:
    print(f'skipped case {case}')
print(f'{skipped} skipped, {len(skipped_cases)} skipped cases')
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
PY
