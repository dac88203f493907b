#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Rebuilds tests/data/image/sample.{elf,hex,bin} from sample.S with binutils-arm-none-eabi.
# The outputs are committed so the tests do not need the cross tools; objcopy's .hex and .bin
# are an independent reference for our own parsers.
set -eu
cd "$(dirname "$0")/../tests/data/image"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
arm-none-eabi-as -mcpu=cortex-m4 -mthumb -o "$tmp/sample.o" sample.S
arm-none-eabi-ld -T sample.ld --build-id=none -nostdlib -z max-page-size=0x10 -o "$tmp/sample.elf" "$tmp/sample.o"
arm-none-eabi-strip --strip-all -o sample.elf "$tmp/sample.elf"
arm-none-eabi-objcopy -O ihex sample.elf sample.hex
arm-none-eabi-objcopy -O binary sample.elf sample.bin

# sample.dfu: two targets (alt 0 flash with the ELF's two flash ranges, alt 1 a small option-
# byte-like element), written by this independent Python encoder of UM0391 + DFU 1.1 suffix
python3 - <<'PY'
import struct, zlib
vectors = open('sample.bin', 'rb').read()[:16]
text = open('sample.bin', 'rb').read()[0x400:0x428]
def target(alt, name, elements):
    body = b''.join(struct.pack('<II', a, len(d)) + d for a, d in elements)
    return (b'Target' + struct.pack('<BI', alt, 1) + name.ljust(255, b'\0') +
            struct.pack('<II', len(body), len(elements)) + body)
targets = (target(0, b'Internal Flash', [(0x08000000, vectors), (0x08000400, text)]) +
           target(1, b'Option Bytes', [(0x1FFFC000, bytes([0xAA, 0xED, 0xFF, 0x0F]))]))
image = b'DfuSe' + struct.pack('<BIB', 1, 11 + len(targets), 2) + targets
image += struct.pack('<HHHH', 0xFFFF, 0xDF11, 0x0483, 0x011A) + b'UFD' + bytes([16])
image += struct.pack('<I', zlib.crc32(image) ^ 0xFFFFFFFF)
open('sample.dfu', 'wb').write(image)
PY
