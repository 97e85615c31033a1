/**
 * The syslog transport end to end: xalt-ship sends a job's records as XALT's V:4 lines to a
 * real rsyslogd (Debian's, started here with its own socket and output file), and
 * `xalt ingest --syslog` loads the same runs from what rsyslogd wrote.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runXalt } from '../helpers/run-xalt.js';
import { alice, bob, lines, node, scratch, ship, stageLink, stagePkgs, stageRun, staged } from './helpers.js';

type Obj = Record<string, unknown>;
const RSYSLOGD = '/usr/sbin/rsyslogd';

interface Rsyslog {
  readonly socket: string;
  readonly log: string;
  readonly proc: ChildProcess;
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** rsyslogd in the foreground: its own socket in, XALT_LOGGING lines out to a file. */
async function startRsyslog(): Promise<Rsyslog> {
  const dir = scratch('rsyslog');
  const socket = join(dir, 'log.sock');
  const log = join(dir, 'xalt.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, [
    `global(workDirectory="${dir}")`,
    'module(load="imuxsock" SysSock.Use="off")',
    `input(type="imuxsock" Socket="${socket}" RateLimit.Interval="0")`,
    `if $programname startswith "XALT_LOGGING" then {`,
    `  action(type="omfile" file="${log}" template="RSYSLOG_TraditionalFileFormat")`,
    '}',
    '',
  ].join('\n'));
  const proc = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'inherit'] });
  await until('rsyslogd to listen', () => existsSync(socket));
  return { socket, log, proc };
}

async function stop(r: Rsyslog): Promise<void> {
  if (r.proc.exitCode !== null) return;
  const gone = new Promise((res) => r.proc.once('exit', res));
  r.proc.kill('SIGTERM');
  await gone;
}

/** Records whose every chunk (idx = nb) has arrived. */
const complete = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => / nb:(\d+) idx:\1 /.test(l)).length : 0);

test('--transport syslog: a real rsyslogd takes the records as V:4 lines and xalt ingest --syslog loads the same runs', { skip: !existsSync(RSYSLOGD) && 'rsyslogd is not installed (apt-get install rsyslog)' }, async () => {
  const n = node();
  const a = alice(), b = bob();
  const rs = await startRsyslog();
  try {
    const argv = ['./a.out', 'naïve', '☃', '😀', 'x'.repeat(900)]; // non-ASCII, and long enough for several chunks
    const open = stageRun(n, a, '500', { ago: 120, over: { cmdlineA: argv } });
    const ended = stageRun(n, a, '500', { end: true });
    stagePkgs(n, a, '500', ended.uuid, ['numpy']);
    const link = stageLink(n, a, '500');
    const forged = stageRun(n, a, '500', { end: true, over: { userT: { user: b.name } } });
    const r = ship(n, ['--job', '500', '--uid', String(a.uid), '--job-state', 'CANCELLED', '--transport', 'syslog', '--syslog-socket', rs.socket]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^xalt-ship: job 500 uid ${a.uid}: 5 files shipped, 1 run closed to syslog\\n$`));
    assert.deepEqual(staged(n), []);
    await until('every record in the log', () => complete(rs.log) === 6);
    await stop(rs);

    const text = readFileSync(rs.log, 'utf8');
    for (const l of lines(text)) {
      assert.match(l, /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ XALT_LOGGING_\S+: V:4 kind:(run|pkg|link) syshost:\S+ key:\S+ crcStr:0x[0-9A-F]{4} uid:\d+ flags:\S+ nb:\d\d idx:\d\d value:/);
      assert.ok(l.includes(`uid:${a.uid} `));
      assert.ok(/^[\x20-\x7e]*$/.test(l), 'the lines are ASCII: non-ASCII characters travel as \\u escapes');
    }
    assert.ok(text.includes(`key:run_fini_${forged.uuid} `) && /key:run_fini_\S+ crcStr:\S+ uid:\d+ flags:owner_mismatch /.test(text));
    assert.ok(text.includes(`key:link_${link.uuid} `));

    const db = join(scratch('db'), 'xalt.db');
    const ing = runXalt(['ingest', '--db', db, '--syslog', rs.log, '--json']);
    assert.equal(ing.status, 0, ing.stderr);
    const summary = JSON.parse(ing.stdout) as Obj;
    assert.deepEqual([summary['runs'], summary['links'], summary['packages'], summary['quarantined']], [4, 1, 1, 0]);
    const found = runXalt(['find', '--db', db, '--job', '500', '--json', '-n', '100']);
    assert.equal(found.status, 0, found.stderr);
    const runs = (JSON.parse(found.stdout) as { runs: Obj[] }).runs;
    const byUuid = new Map(runs.map((x) => [x['run_uuid'] as string, x]));
    for (const u of [open.uuid, ended.uuid]) assert.ok(byUuid.has(u), `run ${u} loaded`);
    const closed = byUuid.get(open.uuid)!;
    assert.equal(closed['outcome'], 'job_end');
    assert.deepEqual(closed['cmdline'], argv, 'the command line arrives exactly, non-ASCII included');
    assert.ok(Number(closed['run_time']) >= 119);
    assert.equal(byUuid.get(ended.uuid)!['outcome'], 'exit');
  } finally {
    await stop(rs);
  }
});

test('with no log daemon listening nothing is lost: the files stay staged and the epilog still exits 0', () => {
  const n = node();
  const a = alice();
  const s = stageRun(n, a, '501', { end: true });
  const r = ship(n, ['--job', '501', '--uid', String(a.uid), '--transport', 'syslog', '--syslog-socket', join(scratch('nolog'), 'log.sock')]);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /^xalt-ship: job 501 uid \d+: error: syslog socket .*log\.sock: No such file or directory; nothing shipped; files left in /);
  assert.ok(existsSync(s.file));
});
