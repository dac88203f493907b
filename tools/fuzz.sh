#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets with clang (+ AddressSanitizer/UBSan) and runs each for a bounded
# time. Usage: tools/fuzz.sh [SECONDS_PER_TARGET (default 20)] [TARGET ...]
# Targets: bin ihex elf dfuse detect. Crashes land in build-fuzz/crashes/<target>/ and make the
# script fail; the growing corpus is kept in build-fuzz/corpus/<target>/. See docs/fuzzing.md.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
seconds=${1:-20}
[ $# -gt 0 ] && shift
targets=${*:-bin ihex elf dfuse detect}
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}

if [ ! -d "$build" ]; then
	CC=${CC:-clang} meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dgui=disabled -Dsim_usb=disabled -Dman=false
fi
for target in $targets; do
	ninja -C "$build" "tests/fuzz/fuzz-image-$target"
done

seeds() {
	case $1 in
	bin) echo "$top/tests/data/fuzz/bin" ;;
	ihex) echo "$top/tests/data/fuzz/ihex" ;;
	*) echo "" ;;
	esac
}

status=0
for target in $targets; do
	corpus="$build/corpus/$target"
	crashes="$build/crashes/$target"
	mkdir -p "$corpus" "$crashes"
	# the committed samples seed every corpus; format-specific extras where there are some
	cp -n "$top"/tests/data/image/sample.* "$corpus"/ 2>/dev/null || true
	extra=$(seeds "$target")
	echo "== fuzz-image-$target for ${seconds}s"
	# shellcheck disable=SC2086
	if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
		"$build/tests/fuzz/fuzz-image-$target" -max_total_time="$seconds" -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" -print_final_stats=1 \
		"$corpus" $extra 2>"$build/fuzz-$target.log"; then
		echo "fuzz-image-$target FAILED, see $build/fuzz-$target.log and $crashes"
		tail -40 "$build/fuzz-$target.log"
		status=1
	else
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' \
			"$build/fuzz-$target.log" || true
		grep -E 'cov: ' "$build/fuzz-$target.log" | tail -1 || true
	fi
done
exit $status
