#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every string a person sees in the wizard's templates is translated in every language of
po/LINGUAS, and every catalogue compiles cleanly (msgfmt --check) with nothing untranslated or
fuzzy. Prints TAP. Usage: check-translations.py SOURCE_ROOT"""
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def po_entries(path):
    """msgid -> msgstr (first form for plurals), read the simple way xgettext writes them."""
    entries = {}
    msgid = msgstr = None
    field = None
    fuzzy = False
    fuzzies = []

    def unquote(s):
        return bytes(s[1:-1], 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')

    def flush():
        nonlocal msgid, msgstr, fuzzy
        if msgid is not None:
            entries[msgid] = msgstr
            if fuzzy:
                fuzzies.append(msgid)
        msgid = msgstr = None
        fuzzy = False

    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('#,') and 'fuzzy' in line:
            fuzzy = True
        elif line.startswith('msgid '):
            flush()
            msgid, field = unquote(line[6:]), 'id'
        elif line.startswith('msgstr ') or line.startswith('msgstr[0] '):
            msgstr, field = unquote(line.split(' ', 1)[1]), 'str'
        elif line.startswith('msgstr['):
            field = None
        elif line.startswith('"') and field == 'id':
            msgid += unquote(line)
        elif line.startswith('"') and field == 'str':
            msgstr += unquote(line)
        elif not line.strip():
            flush()
    flush()
    return entries, fuzzies


def ui_strings(root):
    strings = []
    for path in sorted(glob.glob(os.path.join(root, 'resources', 'ui', '*.ui'))):
        for element in ET.parse(path).iter():
            if element.get('translatable') == 'yes' and element.text:
                strings.append((os.path.basename(path), element.text))
    return strings


def main():
    root = sys.argv[1]
    linguas = [l.strip() for l in open(os.path.join(root, 'po', 'LINGUAS'))
               if l.strip() and not l.startswith('#')]
    strings = ui_strings(root)
    tests = []
    for lang in linguas:
        po = os.path.join(root, 'po', lang + '.po')
        check = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po],
                               capture_output=True, text=True)
        stats = check.stderr.strip()
        ok = check.returncode == 0 and 'untranslated' not in stats and 'fuzzy' not in stats
        tests.append((ok, '%s: msgfmt --check: %s' % (lang, stats.splitlines()[-1] if stats else '')))
        entries, fuzzies = po_entries(po)
        missing = [(f, s) for f, s in strings if not entries.get(s)]
        tests.append((not missing and not fuzzies,
                      '%s: every template string translated (%d missing%s)' %
                      (lang, len(missing), ', first: %s: %r' % missing[0] if missing else '')))
    print('1..%d' % len(tests))
    for n, (ok, name) in enumerate(tests, 1):
        print('%s %d %s' % ('ok' if ok else 'not ok', n, name))
    return 0 if all(ok for ok, _ in tests) else 1


if __name__ == '__main__':
    sys.exit(main())
