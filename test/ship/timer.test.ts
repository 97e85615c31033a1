/**
 * xalt-ship without --job (a systemd timer or cron on login and compute nodes): ships what
 * processes outside any job finished, and anything staged longer than max_age_hours, one
 * bundle per job; never two timers at once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { timerAlice as alice, timerBob as bob, bundleFiles, lines, node, readBundle, ship, stageLink, stagePkgs, stageRun, staged } from './helpers.js';

type Obj = Record<string, unknown>;

const ageBy = (file: string, hours: number) => {
  const t = new Date(Date.now() - hours * 3600 * 1000);
  utimesSync(file, t, t);
};

test('the timer ships finished runs of job none with their packages and links; running ones and young job files wait', () => {
  const n = node();
  const a = alice(), b = bob();
  const ended = stageRun(n, a, 'none', { end: true });
  stagePkgs(n, a, 'none', ended.uuid, ['json5']);
  const running = stageRun(n, a, 'none');
  const runningPkgs = stagePkgs(n, a, 'none', running.uuid, ['yaml']);
  const link = stageLink(n, a, 'none');
  const bobs = stageRun(n, b, 'none', { end: true });
  const abandoned = stageRun(n, a, 'none', { ago: 30 * 3600 });
  ageBy(abandoned.file, 30);
  const oldJob = stageRun(n, a, '55', { ago: 30 * 3600 });
  ageBy(oldJob.file, 30);
  const youngJob = stageRun(n, a, '56', { end: true });

  const r = ship(n, []);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(lines(r.stderr).map((l) => l.replace(/ to \S+$/, '')), [
    `xalt-ship: job 55: 1 file shipped`,
    `xalt-ship: job none: 5 files shipped`,
  ]);
  const bundles = bundleFiles(n.spool).map(readBundle);
  assert.equal(bundles.length, 2, 'one bundle per job');
  const byJob = new Map(bundles.map((x) => [x.header[3], x]));
  const none = byJob.get('none')!;
  const describe = (e: (typeof none.entries)[number]) => {
    const j = e.json as Obj;
    const uuid = (j['userT'] as Obj | undefined)?.['run_uuid'] ?? j['xalt_run_uuid'] ?? (j['resultT'] as Obj | undefined)?.['uuid'];
    return `${e.name.split('.')[0]} ${e.owner} ${String(uuid)}${e.name.startsWith('run.') ? ` ${e.name.split('.')[4]}` : ''}`;
  };
  assert.deepEqual(none.entries.map(describe).sort(), [
    `link ${a.uid} ${link.uuid}`,
    `pkg ${a.uid} ${ended.uuid}`,
    `run ${a.uid} ${abandoned.uuid} aaa`, // never ended, nobody to close it: the start record alone
    `run ${a.uid} ${ended.uuid} zzz`,
    `run ${b.uid} ${bobs.uuid} zzz`,
  ].sort());
  const job55 = byJob.get('55')!;
  assert.deepEqual(job55.entries.map((e) => e.name.split('.')[4]), ['aaa'], 'the timer does not close runs: only the epilog knows the job ended');
  assert.deepEqual(staged(n), [running.file, runningPkgs, youngJob.file].map((f) => f.split('/').pop()!).sort());

  // run again: nothing new
  const again = ship(n, []);
  assert.equal(again.stderr, 'xalt-ship: nothing to ship in ' + n.staging + '\n');
  assert.equal(ship(n, ['-q']).stderr, '');
  assert.equal(bundleFiles(n.spool).length, 2);
});

test('--max-age-hours changes what counts as abandoned', () => {
  const n = node();
  const a = alice();
  const s = stageRun(n, a, '57');
  ageBy(s.file, 2);
  assert.equal(ship(n, ['-q']).stderr, '');
  assert.equal(bundleFiles(n.spool).length, 0, 'two hours is young under the default of 24');
  const r = ship(n, ['--max-age-hours', '1']);
  assert.match(r.stderr, /^xalt-ship: job 57: 1 file shipped to /);
});

test('a second timer run while one holds the lock does nothing and says so', async () => {
  const n = node();
  const a = alice();
  stageRun(n, a, 'none', { end: true });
  ship(n, []); // creates the state directory and its lock file
  stageRun(n, a, 'none', { end: true });
  // one process holding the lock (killing it releases the lock)
  const holder = spawn('python3', ['-c', 'import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(60)', join(n.state, 'lock')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((res) => holder.stdout.once('data', res));
  try {
    const r = ship(n, []);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, `xalt-ship: another xalt-ship holds ${n.state}/lock; nothing done\n`);
    assert.equal(staged(n).length, 1);
  } finally {
    holder.kill('SIGKILL');
    await new Promise((res) => holder.once('exit', res));
  }
  assert.match(ship(n, []).stderr, /job none: 1 file shipped/);
});

test('an old start record of a job whose user still has a process on the node waits for the epilog', async () => {
  const n = node();
  const a = alice();
  const s = stageRun(n, a, '58', { ago: 30 * 3600 });
  const p = stagePkgs(n, a, '58', s.uuid, ['numpy']);
  ageBy(s.file, 30);
  ageBy(p, 30);
  const hers = spawn('sleep', ['60'], { uid: a.uid, gid: a.gid, stdio: 'ignore' }); // her job, still going
  try {
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(ship(n, ['-q']).stderr, '');
    assert.deepEqual(staged(n), [s.file, p].map((f) => f.split('/').pop()!).sort(), 'the run and its packages wait');
  } finally {
    hers.kill('SIGKILL');
    await new Promise((res) => hers.once('exit', res));
  }
  const r = ship(n, []);
  assert.match(r.stderr, /^xalt-ship: job 58: 2 files shipped to /, 'once she has no process left, the timer ships them');
  assert.deepEqual(readBundle(bundleFiles(n.spool)[0]!).entries.map((e) => e.name.split('.')[0] + (e.name.startsWith('run') ? `.${e.name.split('.')[4]}` : '')), ['run.aaa', 'pkg']);
});
