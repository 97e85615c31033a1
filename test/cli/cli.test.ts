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

test('an unknown option names the command and the option, exit 2', () => {
  const r = runXalt(['find', '--colour']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^xalt: error: xalt find: Unknown option '--colour'/);
});

test('command help shows the options from the table', () => {
  const r = runXalt(['ingest', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: xalt ingest \[OPTIONS\] \[SPOOL\.\.\.\]/);
  assert.match(r.stdout, /--db URL/);
});
