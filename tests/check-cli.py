#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One vocabulary on unbrick-cli's command line, checked by walking --help of every command.

- every command (and firmware subcommand) answers --help with exit 0, ends it with the same
  exit-status list as `unbrick-cli --help`, and takes --json and --verbose;
- an option shared between commands is spelled, described and given its value name the same
  way everywhere (--board NAME is a board of unbrick's list, --hw NAME a VESC hardware name,
  --sim BENCH, --serial SERIAL, --probe MODEL, --json, --verbose); no other option takes
  those value names, and retired spellings (--known, a --sim BOARD) are gone;
- usage errors (a bad option, an unknown --board or --probe, a --hw that is not the board's)
  exit 1 with nothing on stdout;
- with --json every line of stdout is one JSON object with an "event"; the last is the result,
  {"event": "result", "ok": ...}; a failure carries "error": {domain, code, message,
  exit_code} and the process exits with that code; member names are snake_case and numbers
  are integers in their unit (no 3.2999999999999998).
Prints TAP. Usage: check-cli.py UNBRICK_CLI SOURCE_ROOT"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SHARED = {'json', 'verbose', 'sim', 'serial', 'board', 'hw', 'probe'}
# value names that belong to one option only
VALUE_OWNER = {'BENCH': 'sim', 'SERIAL': 'serial', 'MODEL': 'probe'}
RETIRED = {'known', 'bench', 'model', 'hardware', 'hw-name'}
OPTION = re.compile(r'^\s+(?:-(\w), )?--([a-z][a-z0-9-]*)(?:=(\S+))?\s+(.*)$')

results = []


def check(ok, name, detail=''):
    results.append((bool(ok), name + (' (%s)' % detail if detail and not ok else '')))
    return ok


def run(cli, args, env):
    return subprocess.run([cli] + args, capture_output=True, text=True, env=env, timeout=300)


def commands(cli, env):
    main = run(cli, ['--help'], env)
    names = []
    in_commands = False
    for line in main.stdout.splitlines():
        if line.strip().endswith(':') and 'Commands' in line:
            in_commands = True
            continue
        if in_commands and not line.strip():
            break
        if in_commands:
            names.append(line.split()[0])
    exit_list = main.stdout[main.stdout.index('Exit status:'):].strip()
    result = []
    for name in names:
        if name == 'firmware':
            result += [['firmware', sub] for sub in ('identify', 'list', 'fetch')]
        else:
            result.append([name])
    return result, exit_list


def parse_options(text):
    options = {}
    for line in text.splitlines():
        match = OPTION.match(line)
        if match:
            options[match.group(2)] = (match.group(3), match.group(4).strip(), match.group(1))
    return options


def walk_json(value, where, problems):
    if isinstance(value, dict):
        for key, item in value.items():
            if not re.fullmatch(r'[a-z0-9_]+', key):
                problems.append('%s: member "%s" is not snake_case' % (where, key))
            walk_json(item, where + '.' + key, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            walk_json(item, '%s[%d]' % (where, index), problems)
    elif isinstance(value, float):
        problems.append('%s: %r is not a whole number' % (where, value))


def json_lines(name, out):
    """(result object or None, problems)"""
    problems = []
    lines = [l for l in out.splitlines() if l.strip()]
    if not lines:
        return None, ['no JSON on stdout']
    result = None
    for number, line in enumerate(lines, 1):
        try:
            value = json.loads(line, parse_float=float)
        except ValueError as error:
            problems.append('line %d is not JSON: %s' % (number, error))
            continue
        if not isinstance(value, dict) or 'event' not in value:
            problems.append('line %d has no "event"' % number)
            continue
        walk_json(value, 'line %d' % number, problems)
        result = value
    if result is not None and result.get('event') != 'result':
        problems.append('the last line is not the result')
    if result is not None and not isinstance(result.get('ok'), bool):
        problems.append('the result has no "ok"')
    return result, problems


def main():
    cli, root = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix='ub-check-cli-')
    env = dict(os.environ)
    env['XDG_CACHE_HOME'] = os.path.join(work, 'cache')
    env['XDG_DATA_HOME'] = os.path.join(work, 'data')
    env['XDG_STATE_HOME'] = os.path.join(work, 'state')
    env['GIO_USE_PROXY_RESOLVER'] = 'dummy'
    env.setdefault('UB_DATA_DIR', os.path.join(root, 'resources', 'data'))
    firmware = os.path.join(root, 'tests', 'data', 'firmware')
    image = os.path.join(firmware, 'vesc-fw-6.05-410_o_411_o_412-VESC_default.bin')
    try:
        all_commands, exit_list = commands(cli, env)
        check(len(all_commands) >= 14, 'unbrick-cli --help lists the commands',
              ' '.join(' '.join(c) for c in all_commands))
        check(re.search(r'^\s*11\s', exit_list, re.M), '--help lists the exit codes 0-11')

        # --help of each: shared options spelled one way
        canonical = {}
        helps = {}
        for command in all_commands:
            name = ' '.join(command)
            shown = run(cli, command + ['--help'], env)
            helps[name] = parse_options(shown.stdout)
            check(shown.returncode == 0, '%s --help exits 0' % name)
            check(shown.stdout.strip().endswith(exit_list), '%s --help ends with the exit codes'
                  % name)
            check(('Usage:\n  unbrick-cli %s' % name) in shown.stdout,
                  '%s --help names the command' % name)
            options = helps[name]
            check('json' in options and 'verbose' in options,
                  '%s takes --json and --verbose' % name)
            for option, (value, text, short) in sorted(options.items()):
                if option in SHARED:
                    first = canonical.setdefault(option, (value, text, short, name))
                    check(first[:3] == (value, text, short),
                          '%s --%s is spelled as in %s' % (name, option, first[3]),
                          '%r against %r' % ((value, text, short), first[:3]))
                owner = VALUE_OWNER.get(value)
                check(owner is None or owner == option,
                      '%s --%s does not take %s, the value of --%s' % (name, option, value,
                                                                          owner))
                check(option not in RETIRED, '%s has no retired option --%s' % (name, option))
                check(not (option != 'board' and value == 'BOARD'),
                      '%s --%s does not take a BOARD (boards are --board NAME)' % (name,
                                                                                    option))
            if 'sim' in options and command != ['probe']:
                check('serial' in options, '%s takes --serial beside --sim' % name)
        check(canonical.get('board', (None,))[0] == 'NAME' and 'list' in canonical['board'][1],
              '--board NAME is a board of unbrick\'s list')
        check(canonical.get('hw', (None,))[0] == 'NAME' and 'hardware' in canonical['hw'][1],
              '--hw NAME is a VESC hardware name')

        # usage errors: exit 1, nothing on stdout
        for command in all_commands:
            name = ' '.join(command)
            bad = run(cli, command + ['--no-such-option', '--json'], env)
            check(bad.returncode == 1 and bad.stdout == '',
                  '%s: an unknown option is a usage error' % name,
                  'exit %d, stdout %r' % (bad.returncode, bad.stdout[:80]))
            options = helps[name]
            if 'board' in options:
                bad = run(cli, command + ['--board', 'no-such-board', '--json'], env)
                check(bad.returncode == 1 and bad.stdout == '' and 'focbox' in bad.stderr,
                      '%s: an unknown --board is a usage error naming the boards' % name,
                      'exit %d' % bad.returncode)
            if 'board' in options and 'hw' in options:
                bad = run(cli, command + ['--board', 'focbox', '--hw', '60', '--json'], env)
                check(bad.returncode == 1 and bad.stdout == '',
                      '%s: a --hw that is not the board\'s is a usage error' % name)
            if 'probe' in options:
                bad = run(cli, command + ['--probe', 'no-such-probe', '--json'], env)
                check(bad.returncode == 1 and bad.stdout == '',
                      '%s: an unknown --probe is a usage error' % name)

        # the case: firmware list wanted a hardware name after --board
        old = run(cli, ['firmware', 'list', os.path.join(root, 'tests', 'data', 'firmware'),
                        '--board', '410'], env)
        check(old.returncode == 1 and '--hw 410' in old.stderr,
              'firmware list --board 410 is a usage error pointing at --hw 410', old.stderr)
        fixed = run(cli, ['firmware', 'list', os.path.join(root, 'tests', 'data', 'firmware'),
                          '--board', 'focbox'], env)
        check(fixed.returncode == 0 and '7.00' in fixed.stdout and 'No firmware' not in
              fixed.stdout, 'firmware list --board focbox lists the HW 410 builds', fixed.stdout)

        # --json: the same shape for success and failure in every command
        backup = os.path.join(work, 'backup.bin')
        closed = 'http://127.0.0.1:9/'
        cases = [
            (['probe', '--sim', 'focbox'], 0),
            (['info', '--sim', 'focbox'], 0),
            (['info', '--sim', 'focbox-bricked'], 4),
            (['info', '--sim', 'no-such-bench'], 8),
            (['diagnose', '--sim', 'focbox-swapped', '--board', 'focbox'], 0),
            (['connect', '--sim', 'focbox', '--board', 'focbox'], 0),
            (['backup', backup, '--sim', 'focbox'], 0),
            (['verify', image, '--sim', 'focbox'], 6),
            (['erase', '--sim', 'focbox', '--sectors', '11', '--backup-dir', work], 0),
            (['restore', backup, '--sim', 'focbox', '--backup-dir', work], 0),
            (['unlock', '--sim', 'focbox'], 0),
            (['flash', os.path.join(work, 'missing.bin'), '--sim', 'focbox'], 7),
            (['firmware', 'identify', image, '--board', 'focbox'], 0),
            (['firmware', 'identify', image, '--board', 'vesc-6'], 7),
            (['firmware', 'list', firmware, '--board', 'focbox'], 0),
            (['firmware', 'fetch', '--hw', '410', '--archive-url', closed], 11),
            (['pinout', '--board', 'focbox', '--probe', 'stlink-v2'], 0),
            (['history'], 0),
            (['backups', '--dir', work], 0),
            (['resume', '--sim', 'focbox'], 0),
        ]
        covered = set()
        for args, want in cases:
            name = ' '.join(a if not a.startswith('/') else os.path.basename(a) for a in args)
            done = run(cli, args + ['--json'], env)
            result, problems = json_lines(name, done.stdout)
            covered.add(args[0] if args[0] != 'firmware' else 'firmware ' + args[1])
            check(not problems, '%s --json: every line an event, snake_case, whole numbers'
                  % name, '; '.join(problems[:3]))
            check(done.returncode == want, '%s exits %d' % (name, want),
                  'exit %d: %s' % (done.returncode, done.stderr.strip()[-200:]))
            if result is None:
                continue
            check(result['ok'] == (want == 0), '%s: "ok" is %s' % (name, want == 0))
            if want != 0:
                error = result.get('error') or {}
                check(set(error) >= {'domain', 'code', 'message', 'exit_code'} and
                      error.get('exit_code') == done.returncode,
                      '%s: the error says what and its exit code' % name, json.dumps(error))
                check(done.stderr.strip() != '', '%s: the failure is said in words too' % name)
        missing = [' '.join(c) for c in all_commands if ' '.join(c) not in covered]
        check(not missing, 'every command is run with --json', ', '.join(missing))

        # whole units: the measured voltage in millivolts
        info = run(cli, ['info', '--sim', 'focbox', '--json'], env)
        check('"target_voltage_mv":3300' in info.stdout,
              'info --json gives "target_voltage_mv": 3300', info.stdout[:200])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print('1..%d' % len(results))
    for number, (ok, name) in enumerate(results, 1):
        print('%s %d %s' % ('ok' if ok else 'not ok', number, name))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
