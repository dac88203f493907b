#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test suite needs nothing outside the checkout: no test reads a folder beside it
(UB_SHARED_FIRMWARE_DIR, ../shared), and the real VESC images in tests/data/firmware are the
ones SHA256SUMS names, each listed with its licence and source in SOURCES.md.
Prints TAP. Usage: check-self-contained.py SOURCE_ROOT"""
import hashlib
import os
import re
import sys

OUTSIDE = re.compile(r"UB_SHARED_FIRMWARE_DIR|shared/firmware|'shared'")


def main():
    root = sys.argv[1]
    tests = []

    offenders = []
    for folder in ('tests', 'bench'):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in files:
                if not name.endswith(('.c', '.h', '.py', '.build', '.sh')):
                    continue
                path = os.path.join(dirpath, name)
                if os.path.samefile(path, __file__):
                    continue
                for number, line in enumerate(open(path, encoding='utf-8', errors='replace'), 1):
                    if OUTSIDE.search(line):
                        offenders.append('%s:%d' % (os.path.relpath(path, root), number))
    tests.append((not offenders, 'tests read nothing beside the checkout%s' %
                  (' (%s)' % ', '.join(offenders[:5]) if offenders else '')))

    firmware = os.path.join(root, 'tests', 'data', 'firmware')
    sums = {}
    for line in open(os.path.join(firmware, 'SHA256SUMS')):
        digest, name = line.split()
        sums[name] = digest
    present = sorted(n for n in os.listdir(firmware) if n.endswith('.bin'))
    tests.append((sorted(sums) == present,
                  'tests/data/firmware holds exactly the images of SHA256SUMS'))
    bad = [n for n in present if n in sums and
           hashlib.sha256(open(os.path.join(firmware, n), 'rb').read()).hexdigest() != sums[n]]
    tests.append((not bad, 'every image matches its SHA-256%s' % (' (%s)' % bad if bad else '')))
    sources = open(os.path.join(firmware, 'SOURCES.md'), encoding='utf-8').read()
    unlisted = [n for n in present if n not in sources]
    tests.append((not unlisted and 'GPL-3.0' in sources,
                  'SOURCES.md gives licence and source of every image%s' %
                  (' (missing: %s)' % unlisted if unlisted else '')))

    print('1..%d' % len(tests))
    for number, (ok, name) in enumerate(tests, 1):
        print('%s %d %s' % ('ok' if ok else 'not ok', number, name))
    return 0 if all(ok for ok, _ in tests) else 1


if __name__ == '__main__':
    sys.exit(main())
