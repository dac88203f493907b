#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install --destdir` puts every part of unbrick where the system looks for it, and the
installed unbrick-cli works from the installed data alone. Prints TAP.

Usage: check-install.py --build-root DIR --source-root DIR --prefix P --bindir D --datadir D
       --mandir D --localedir D --udev-rules-dir D [--gui] [--sim] [--man]"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

APP_ID = 'io.github.unbrick.Unbrick'
# the directories systemd-udevd reads rules from (systemd src/shared/udev-util.h and
# CONF_PATHS("udev/rules.d"); /lib is /usr/lib on a merged-/usr system)
UDEV_READS = ['/etc/udev/rules.d', '/run/udev/rules.d', '/usr/local/lib/udev/rules.d',
              '/usr/lib/udev/rules.d', '/lib/udev/rules.d']

results = []


def check(ok, name, detail=''):
    results.append((bool(ok), name + (' (%s)' % detail if detail and not ok else '')))
    return ok


def under(destdir, path):
    return os.path.join(destdir, path.lstrip('/'))


def files_below(top):
    found = set()
    for dirpath, _, names in os.walk(top):
        for name in names:
            found.add(os.path.relpath(os.path.join(dirpath, name), top))
    return found


def main():
    parser = argparse.ArgumentParser()
    for option in ('build-root', 'source-root', 'prefix', 'bindir', 'datadir', 'mandir',
                   'localedir', 'udev-rules-dir'):
        parser.add_argument('--' + option, required=True)
    for flag in ('gui', 'sim', 'man'):
        parser.add_argument('--' + flag, action='store_true')
    args = parser.parse_args()
    prefix = args.prefix

    def p(*parts):
        return os.path.join(prefix, *parts)

    bindir = p(args.bindir)
    datadir = p(args.datadir)
    pkgdatadir = os.path.join(datadir, 'unbrick')

    # outside the build root: a program below it may read the source tree's data
    destdir = tempfile.mkdtemp(prefix='unbrick-destdir-')
    try:
        install = subprocess.run(['meson', 'install', '-C', args.build_root, '--destdir',
                                  destdir, '--no-rebuild', '--quiet'],
                                 capture_output=True, text=True)
        check(install.returncode == 0, 'meson install --destdir succeeds',
              install.stderr.strip()[-300:])

        # programs
        programs = ['unbrick-cli'] + (['unbrick'] if args.gui else []) + \
                   (['unbrick-sim'] if args.sim else [])
        for program in programs:
            path = under(destdir, os.path.join(bindir, program))
            check(os.path.isfile(path) and os.access(path, os.X_OK),
                  'program %s in %s' % (program, bindir))

        # data: the whole resources/data tree, file for file
        source_data = os.path.join(args.source_root, 'resources', 'data')
        installed_data = under(destdir, pkgdatadir)
        missing = sorted(files_below(source_data) - files_below(installed_data))
        check(not missing, 'every data file in %s' % pkgdatadir,
              'missing: %s' % ', '.join(missing[:5]))
        for kind in ('chips', 'boards', 'probes', 'diagnosis', 'schema', 'sim-boards'):
            check(os.listdir(os.path.join(installed_data, kind)) if
                  os.path.isdir(os.path.join(installed_data, kind)) else False,
                  'data kind %s installed' % kind)

        # udev rules: where udev reads them, granting the seat's user access
        rules_dir = args.udev_rules_dir
        check(os.path.normpath(rules_dir) in UDEV_READS,
              'udev rules directory %s is one udev reads' % rules_dir)
        udev_pc = subprocess.run(['pkg-config', '--variable=udevdir', 'udev'],
                                 capture_output=True, text=True)
        if udev_pc.returncode == 0 and udev_pc.stdout.strip():
            want = os.path.join(udev_pc.stdout.strip(), 'rules.d')
            check(os.path.normpath(rules_dir) == os.path.normpath(want),
                  'udev rules directory is the one of udev.pc (%s)' % want, rules_dir)
        rule_files = sorted(n for n in os.listdir(os.path.join(args.source_root, 'resources'))
                            if n.endswith('.rules'))
        check(rule_files, 'the source tree has udev rules')
        for name in rule_files:
            path = under(destdir, os.path.join(rules_dir, name))
            if not check(os.path.isfile(path), 'udev rule %s installed' % name):
                continue
            lines = [l for l in open(path) if l.strip() and not l.startswith('#')]
            check(lines and all('TAG+="uaccess"' in l for l in lines) and
                  not any('MODE' in l for l in lines),
                  '%s: every rule grants access by uaccess, none by MODE' % name)
            # uaccess tags are applied by 73-seat-late.rules: ours must come before it
            check(name < '73-seat-late.rules', '%s is read before 73-seat-late.rules' % name)

        # desktop integration
        if args.gui:
            desktop = under(destdir, os.path.join(datadir, 'applications',
                                                  APP_ID + '.desktop'))
            if check(os.path.isfile(desktop), 'desktop file installed'):
                text = open(desktop, encoding='utf-8').read()
                check('Exec=unbrick' in text and 'Name[de]=' in text,
                      'desktop file starts unbrick and is translated')
                if shutil.which('desktop-file-validate'):
                    run = subprocess.run(['desktop-file-validate', desktop],
                                         capture_output=True, text=True)
                    check(run.returncode == 0, 'installed desktop file validates',
                          run.stdout + run.stderr)
            metainfo = under(destdir, os.path.join(datadir, 'metainfo',
                                                   APP_ID + '.metainfo.xml'))
            check(os.path.isfile(metainfo), 'metainfo installed')
            icon = under(destdir, os.path.join(datadir, 'icons', 'hicolor', 'scalable', 'apps',
                                               APP_ID + '.svg'))
            check(os.path.isfile(icon), 'icon installed in the hicolor theme')
            schemas = under(destdir, os.path.join(datadir, 'glib-2.0', 'schemas'))
            schema = os.path.join(schemas, APP_ID + '.gschema.xml')
            if check(os.path.isfile(schema), 'GSettings schema installed'):
                with tempfile.TemporaryDirectory() as target:
                    run = subprocess.run(['glib-compile-schemas', '--strict', '--targetdir',
                                          target, schemas], capture_output=True, text=True)
                    check(run.returncode == 0, 'installed schema compiles', run.stderr)

        # man pages
        if args.man:
            for program in programs:
                page = under(destdir, os.path.join(p(args.mandir), 'man1', program + '.1'))
                check(os.path.isfile(page) and os.path.getsize(page) > 0,
                      'man page %s.1 installed' % program)

        # translations
        linguas = [l.strip() for l in open(os.path.join(args.source_root, 'po', 'LINGUAS'))
                   if l.strip() and not l.startswith('#')]
        for lang in linguas:
            mo = under(destdir, os.path.join(p(args.localedir), lang, 'LC_MESSAGES',
                                             'unbrick.mo'))
            check(os.path.isfile(mo), 'catalogue %s installed' % lang)

        # the installed program, from the installed data alone: no UB_DATA_DIR, run from
        # somewhere else, and the log names the data it read
        env = {k: v for k, v in os.environ.items() if not k.startswith('UB_')}
        env['G_MESSAGES_DEBUG'] = 'all'
        cli = under(destdir, os.path.join(bindir, 'unbrick-cli'))

        def run_cli(*cli_args):
            return subprocess.run([cli] + list(cli_args), capture_output=True, text=True,
                                  env=env, cwd=destdir, timeout=120)

        def reads_only_installed(name, stderr, kinds):
            read = re.findall(r'(?: data| simulated board \S+): (/\S+)$', stderr, re.M)
            check(read and all(r.startswith(installed_data) for r in read) and
                  all(any(k in r for r in read) for k in kinds),
                  '%s reads only the installed data (%s)' % (name, ', '.join(kinds)),
                  '; '.join(read) or stderr[-300:])

        info = run_cli('info', '--sim', 'focbox', '--json')
        if check(info.returncode == 0, 'installed unbrick-cli info --sim focbox',
                 info.stderr[-300:]):
            chip = json.loads(info.stdout).get('chip', {})
            check(chip.get('id') == 'stm32f40x', 'it names the simulated STM32F405 from the '
                  'installed chip data', info.stdout[:300])
        reads_only_installed('info', info.stderr, ['chips', 'sim-boards'])
        pinout = run_cli('pinout', 'focbox', 'stlink-v2')
        check(pinout.returncode == 0 and 'SWDIO' in pinout.stdout,
              'installed unbrick-cli pinout focbox stlink-v2', pinout.stderr[-300:])
        reads_only_installed('pinout', pinout.stderr, ['boards', 'probes'])
        diagnose = run_cli('diagnose', '--sim', 'focbox-swapped')
        check(diagnose.returncode == 0, 'installed unbrick-cli diagnose --sim focbox-swapped',
              diagnose.stderr[-300:])
        reads_only_installed('diagnose', diagnose.stderr, ['diagnosis', 'sim-boards'])
    finally:
        shutil.rmtree(destdir, ignore_errors=True)

    print('1..%d' % len(results))
    for number, (ok, name) in enumerate(results, 1):
        print('%s %d %s' % ('ok' if ok else 'not ok', number, name))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
