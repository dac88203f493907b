#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every string a person sees is extracted and translated in every language of po/LINGUAS.

1. po/data-strings.c is what tools/extract-data-strings.py makes of resources/data (board and
   probe notes, diagnosis rule texts);
2. po/POTFILES.in lists every source file with a translatable string, and only files that
   exist;
3. the catalogue made from the sources now (xgettext, as `meson compile unbrick-pot` runs it)
   merged into each po/LL.po leaves nothing untranslated and nothing fuzzy, and msgfmt --check
   passes: a new string fails this test until it is translated (po/README.md says how).
Prints TAP. Usage: check-translations.py SOURCE_ROOT"""
import os
import re
import subprocess
import sys
import tempfile

# meson's i18n.gettext(preset: 'glib') arguments, as in po/meson.build
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]
# where translatable strings may live; the simulator and the tests are not the product
SOURCE_TOPS = ('app', 'core', 'ui', 'resources')
SKIP = ('core/sim/',)
SUFFIXES = ('.c', '.h', '.ui', '.desktop.in', '.metainfo.xml.in', '.gschema.xml')

results = []


def check(ok, name, detail=''):
    results.append((bool(ok), name + (' (%s)' % detail if detail and not ok else '')))
    return ok


def xgettext(root, files, out):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as listing:
        listing.write('\n'.join(files) + '\n')
    try:
        run = subprocess.run(['xgettext', '--package-name=unbrick', '-D', root, '-f',
                              listing.name, '-o', out] + XGETTEXT_ARGS,
                             capture_output=True, text=True)
    finally:
        os.unlink(listing.name)
    return run


def unquote(text):
    return bytes(text[1:-1], 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')


def po_problems(path):
    """msgids that are untranslated or fuzzy in a .po file"""
    problems = []
    entry = {'fuzzy': False, 'id': None, 'str': [], 'obsolete': False}
    field = None

    def flush():
        if entry['id'] and not entry['obsolete']:
            if entry['fuzzy']:
                problems.append('fuzzy: ' + entry['id'])
            elif not entry['str'] or any(s == '' for s in entry['str']):
                problems.append('untranslated: ' + entry['id'])
        entry.update(fuzzy=False, id=None, str=[], obsolete=False)

    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip():
            flush()
            field = None
        elif line.startswith('#~'):
            entry['obsolete'] = True
        elif line.startswith('#,') and 'fuzzy' in line:
            entry['fuzzy'] = True
        elif line.startswith('msgid '):
            entry['id'], field = unquote(line[6:]), 'id'
        elif line.startswith('msgid_plural '):
            field = None
        elif line.startswith('msgstr'):
            entry['str'].append(unquote(line.split(' ', 1)[1]))
            field = 'str'
        elif line.startswith('"') and field == 'id':
            entry['id'] += unquote(line)
        elif line.startswith('"') and field == 'str':
            entry['str'][-1] += unquote(line)
    flush()
    return problems


def main():
    root = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix='ub-check-translations-')
    hint = 'see po/README.md: tools/extract-data-strings.py, then ' \
           '`meson compile -C BUILD unbrick-update-po`, then translate'

    # 1. the data files' texts
    extract = subprocess.run([sys.executable,
                              os.path.join(root, 'tools', 'extract-data-strings.py'),
                              '--check', root], capture_output=True, text=True)
    check(extract.returncode == 0, 'po/data-strings.c matches resources/data',
          (extract.stdout + extract.stderr).strip())

    # 2. POTFILES.in: complete, and nothing gone
    listed = [l.strip() for l in open(os.path.join(root, 'po', 'POTFILES.in'))
              if l.strip() and not l.startswith('#')]
    gone = [f for f in listed if not os.path.exists(os.path.join(root, f))]
    check(not gone, 'every file of po/POTFILES.in exists', ', '.join(gone))
    candidates = []
    for top in SOURCE_TOPS:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                relative = os.path.relpath(os.path.join(dirpath, name), root)
                if relative.endswith(SUFFIXES) and not relative.startswith(SKIP):
                    candidates.append(relative)
    everything = os.path.join(work, 'everything.pot')
    run = xgettext(root, candidates, everything)
    check(run.returncode == 0, 'xgettext reads every source file', run.stderr.strip()[-300:])
    with_strings = set()
    if os.path.exists(everything):
        for line in open(everything, encoding='utf-8'):
            if line.startswith('#: '):
                with_strings.update(ref.rsplit(':', 1)[0] for ref in line[3:].split())
    missing = sorted(with_strings - set(listed))
    check(not missing, 'po/POTFILES.in lists every file with translatable strings',
          'add: ' + ', '.join(missing))

    # 3. every language: nothing untranslated or fuzzy against the sources as they are now
    pot = os.path.join(work, 'unbrick.pot')
    run = xgettext(root, listed, pot)
    check(run.returncode == 0 and os.path.exists(pot), 'the catalogue builds from POTFILES.in',
          run.stderr.strip()[-300:])
    linguas = [l.strip() for l in open(os.path.join(root, 'po', 'LINGUAS'))
               if l.strip() and not l.startswith('#')]
    for lang in linguas:
        po = os.path.join(root, 'po', lang + '.po')
        committed = subprocess.run(['msgfmt', '--check', '-o', os.devnull, po],
                                   capture_output=True, text=True)
        check(committed.returncode == 0, '%s: po/%s.po passes msgfmt --check' % (lang, lang),
              committed.stderr.strip()[-300:])
        if not os.path.exists(pot):
            continue
        merged = os.path.join(work, lang + '.po')
        subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot],
                       check=True)
        stats = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, merged],
                               capture_output=True, text=True)
        problems = po_problems(merged)
        check(stats.returncode == 0 and not problems,
              '%s: every string translated, none fuzzy (%s)' % (lang, stats.stderr.strip()),
              '%d to do, first: %s; %s' % (len(problems), ' | '.join(problems[:3]), hint))

    print('1..%d' % len(results))
    for number, (ok, name) in enumerate(results, 1):
        print('%s %d %s' % ('ok' if ok else 'not ok', number, name))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
