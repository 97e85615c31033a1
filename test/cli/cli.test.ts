import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../src/cli/command-table.js';
import { runXalt } from '../helpers/run-xalt.js';

test('xalt --help lists every command', () => {
  const r = runXalt(['--help']);
  assert.equal(r.status, 0);
  for (const c of commands) assert.ok(r.stdout.includes(`  ${c.name.join(' ')} `), c.name.join(' '));
});

test('an unknown command is a one-line usage error with a hint, exit 2', () => {
  const r = runXalt(['frobnicate']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'xalt: error: unknown command "frobnicate"\n  hint: run "xalt --help" for the list of commands\n');
  assert.equal(r.stdout, '');
});

test('an unknown option, a missing value and a value given to a switch are each one plain line, exit 2', () => {
  const cases: [string[], string][] = [
    [['find', '--colour'], 'xalt find: unknown option --colour'],
    [['find', '--user'], 'xalt find: option --user needs a value'],
    [['find', '--json=yes'], 'xalt find: option --json takes no value'],
  ];
  for (const [argv, message] of cases) {
    const r = runXalt(argv);
    assert.equal(r.status, 2, argv.join(' '));
    assert.equal(r.stderr, `xalt: error: ${message}\n  hint: run "xalt find --help"\n`);
  }
});

test('bare xalt is a usage error that shows the commands; a command group alone lists its subcommands', () => {
  const bare = runXalt([]);
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /^usage: xalt COMMAND/);
  for (const group of ['config', 'db']) {
    const r = runXalt([group]);
    assert.equal(r.status, 2, group);
    for (const c of commands.filter((x) => x.name[0] === group && x.name.length > 1)) assert.ok(r.stderr.includes(`  ${c.name.join(' ')}  `), c.name.join(' '));
    const help = runXalt([group, '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, new RegExp(`^usage: xalt ${group} SUBCOMMAND`));
  }
});

test('report --help names every report kind, built included', () => {
  const r = runXalt(['report', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /compilers, built, packages/);
});

test("config explain leaves the program's own options to the program", () => {
  // -c after the program path is python's, not xalt's --config
  const r = runXalt(['config', 'explain', '--json', '/usr/bin/python3', '-c', 'import json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { result: string };
  assert.equal(j.result, 'PKGS');
});

test('command help shows the options from the table', () => {
  const r = runXalt(['ingest', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: xalt ingest \[OPTIONS\] \[SPOOL\.\.\.\]/);
  assert.match(r.stdout, /--db URL/);
});
