#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets with clang (+ AddressSanitizer/UBSan) and runs each for a bounded
# time. Usage: tools/fuzz.sh [SECONDS_PER_TARGET (default 20)] [TARGET ...]
# Targets: bin ihex elf dfuse detect (images), board probe chip rules bench backup journal (the
# other files unbrick reads). Crashes land in build-fuzz/crashes/<target>/ and make the script
# fail; the growing corpus is kept in build-fuzz/corpus/<target>/. See docs/fuzzing.md.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
seconds=${1:-20}
[ $# -gt 0 ] && shift
targets=${*:-bin ihex elf dfuse detect board probe chip rules bench backup journal}
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}

if [ ! -d "$build" ]; then
	CC=${CC:-clang} meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dgui=disabled -Dsim_usb=disabled -Dman=false
fi
binary() {
	case $1 in
	bin | ihex | elf | dfuse | detect) echo "fuzz-image-$1" ;;
	*) echo "fuzz-data-$1" ;;
	esac
}
for target in $targets; do
	ninja -C "$build" "tests/fuzz/$(binary "$target")"
done

seeds() {
	case $1 in
	bin) echo "$top/tests/data/fuzz/bin" ;;
	ihex) echo "$top/tests/data/fuzz/ihex" ;;
	board) echo "$top/resources/data/boards" ;;
	probe) echo "$top/resources/data/probes" ;;
	chip) echo "$top/resources/data/chips" ;;
	rules) echo "$top/resources/data/diagnosis" ;;
	bench) echo "$top/resources/data/sim-boards" ;;
	backup) echo "$top/tests/data/fuzz/backup" ;;
	journal) echo "$top/tests/data/fuzz/journal" ;;
	*) echo "" ;;
	esac
}

status=0
for target in $targets; do
	corpus="$build/corpus/$target"
	crashes="$build/crashes/$target"
	mkdir -p "$corpus" "$crashes"
	exe=$(binary "$target")
	# the committed image samples seed every image corpus; kind-specific seeds where there
	# are some
	case $exe in
	fuzz-image-*) cp -n "$top"/tests/data/image/sample.* "$corpus"/ 2>/dev/null || true ;;
	esac
	extra=$(seeds "$target")
	echo "== $exe for ${seconds}s"
	# shellcheck disable=SC2086
	if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
		UB_DATA_DIR="$top/resources/data" \
		"$build/tests/fuzz/$exe" -max_total_time="$seconds" -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" -print_final_stats=1 \
		"$corpus" $extra 2>"$build/fuzz-$target.log"; then
		echo "$exe FAILED, see $build/fuzz-$target.log and $crashes"
		tail -40 "$build/fuzz-$target.log"
		status=1
	else
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' \
			"$build/fuzz-$target.log" || true
		grep -E 'cov: ' "$build/fuzz-$target.log" | tail -1 || true
	fi
done
exit $status
