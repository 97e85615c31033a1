/**
 * Retention and repair: `xalt purge` deletes runs and what hangs off them and keeps the daily
 * totals and library sets exact (after a purge, the overview's totals, the executables
 * report's and a recount from the runs agree); it asks on a terminal and refuses without one
 * unless --yes. `xalt db rebuild-rollups` turns damaged totals back into those a fresh ingest
 * made. On SQLite and MariaDB.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Queryable } from '../../src/db/store.js';
import { ingestSpools } from '../../src/ingest/ingest.js';
import { buildReport } from '../../src/report/build-report.js';
import { spoolDir } from '../fixtures/records.js';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { generatedRecords, USAGE_REVERSE_MAP, writeOwned } from '../fixtures/usage-records.js';
import { assertLibsetsMatchObjects, assertUsageMatchesRuns, close } from '../helpers/rollup-check.js';
import { runXalt, xaltBin } from '../helpers/run-xalt.js';
import { testEachStore, type TestStore } from '../helpers/test-stores.js';
import { xalt } from '../find/run-cli.js';

const DAY = 86400;
const T = FIXTURE_EPOCH;
type Row = Record<string, unknown>;

/** A store loaded the way a site loads one: ingest of a spool; plus runs with packages and environment. */
async function loaded(s: TestStore, seed: number): Promise<void> {
  const spool = spoolDir();
  for (const { start, end, forged } of generatedRecords(seed, 300)) {
    writeOwned(spool, start, forged.start);
    if (end) writeOwned(spool, end, forged.end);
  }
  await ingestSpools(s.store, [spool], { jobs: 0, batchSize: 50, reverseMap: USAGE_REVERSE_MAP });
  const rows = storeRows(s.store);
  for (let d = 0; d < 4; d++) {
    await rows.run({ user: 'erin', syshost: 'alpha', start_time: T + d * DAY + 7, exec_path: '/usr/bin/python3', pkgs: [{ name: 'numpy', version: '1.26.4' }], env: { OMP_NUM_THREADS: '4' }, libs: [{ path: '/lib64/libm.so.6' }] });
  }
}

const count = async (q: Queryable, sql: string, params: (string | number)[] = []) => Number((await q.all<{ n: unknown }>(sql, params))[0]?.n ?? 0);

/** Overview runs, the executables report's runs added up, and a recount from xalt_run agree, over the whole store. */
async function assertTotalsAgree(q: Queryable, what: string): Promise<void> {
  const period = { since: T - 10 * DAY, until: T + 10 * DAY, top: 100_000, weighted: false };
  const overview = await buildReport(q, { kind: 'overview', ...period }, 0);
  const runs = Number(overview.tables.find((t) => t.id === 'summary')!.rows.find((r) => r['measure'] === 'Runs')!['value']);
  const execs = await buildReport(q, { kind: 'executables', ...period }, 0);
  const byExec = execs.tables.find((t) => t.id === 'all_by_runs')!.rows.reduce((sum, r) => sum + Number(r['runs']), 0);
  const recount = await count(q, 'SELECT COUNT(*) AS n FROM xalt_run WHERE flagged = 0');
  assert.equal(runs, recount, `${what}: overview runs = recount`);
  assert.equal(byExec, recount, `${what}: executables runs = recount`);
  const ch = Number(overview.tables.find((t) => t.id === 'summary')!.rows.find((r) => r['measure'] === 'Core-hours')!['value']);
  const [rc] = await q.all<{ ch: unknown }>('SELECT SUM(run_time * num_cores) / 3600e0 AS ch FROM xalt_run WHERE flagged = 0');
  assert.ok(close(ch, Number(rc?.ch ?? 0)), `${what}: core-hours ${ch} = ${String(rc?.ch)}`);
}

/** Nothing is left attached to a run that is gone. */
async function assertNoOrphans(q: Queryable): Promise<void> {
  assert.equal(await count(q, 'SELECT COUNT(*) AS n FROM join_run_object j WHERE NOT EXISTS (SELECT 1 FROM xalt_run r WHERE r.run_id = j.run_id)'), 0, 'library rows of deleted runs');
  assert.equal(await count(q, 'SELECT COUNT(*) AS n FROM join_run_env e WHERE NOT EXISTS (SELECT 1 FROM xalt_run r WHERE r.run_id = e.run_id)'), 0, 'environment rows of deleted runs');
  assert.equal(await count(q, 'SELECT COUNT(*) AS n FROM xalt_pkg p WHERE NOT EXISTS (SELECT 1 FROM xalt_run r WHERE r.run_uuid = p.run_uuid)'), 0, 'packages of deleted runs');
}

testEachStore('purge deletes runs and what is attached, and the daily totals stay exact', async (s) => {
  await loaded(s, 41);
  await assertTotalsAgree(s.store, 'before');
  const before = await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run');
  const cut = T + DAY + 40000.5; // inside a day: that day's totals lose some of its runs
  const doomed = await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run WHERE start_time < ?', [cut]);
  assert.ok(doomed > 50 && doomed < before - 50, 'the cut splits the store');
  const attached = async (table: string, on: string) => count(s.store, `SELECT COUNT(*) AS n FROM ${table} x JOIN xalt_run r ON ${on} WHERE r.start_time < ?`, [cut]);
  const libs = await attached('join_run_object', 'r.run_id = x.run_id');
  const env = await attached('join_run_env', 'r.run_id = x.run_id');
  const pkgs = await attached('xalt_pkg', 'r.run_uuid = x.run_uuid');
  assert.ok(libs > 0 && env > 0 && pkgs > 0, 'the doomed runs have libraries, environment and packages');
  const r = await xalt('purge', '--db', s.url, '--before', new Date(cut * 1000).toISOString(), '--yes');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `deleted ${doomed} runs (${libs} library links, ${env} environment values, ${pkgs} packages); daily totals updated\n`);
  assert.equal(await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run WHERE start_time < ?', [cut]), 0);
  assert.equal(await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run'), before - doomed);
  await assertNoOrphans(s.store);
  await assertUsageMatchesRuns(s.store);
  await assertLibsetsMatchObjects(s.store);
  await assertTotalsAgree(s.store, 'after a purge by date');

  // of one user, on one cluster
  const bobAlpha = await count(s.store, `SELECT COUNT(*) AS n FROM xalt_run r WHERE r.user = 'bob' AND r.syshost = 'alpha' AND start_time < ?`, [T + 3 * DAY]);
  const others = await count(s.store, `SELECT COUNT(*) AS n FROM xalt_run r WHERE NOT (r.user = 'bob' AND r.syshost = 'alpha') AND start_time < ?`, [T + 3 * DAY]);
  assert.ok(bobAlpha > 0);
  const j = await xalt('purge', '--db', s.url, '--before', '2026-11-05', '--user', 'bob', '--syshost', 'alpha', '--yes', '--json');
  assert.equal(j.code, 0, j.stderr);
  assert.equal((JSON.parse(j.stdout) as { runs: number }).runs, bobAlpha);
  assert.equal(await count(s.store, `SELECT COUNT(*) AS n FROM xalt_run r WHERE r.user = 'bob' AND r.syshost = 'alpha' AND start_time < ?`, [T + 3 * DAY]), 0);
  assert.equal(await count(s.store, `SELECT COUNT(*) AS n FROM xalt_run r WHERE NOT (r.user = 'bob' AND r.syshost = 'alpha') AND start_time < ?`, [T + 3 * DAY]), others, 'other users and clusters kept');
  await assertUsageMatchesRuns(s.store);
  await assertTotalsAgree(s.store, 'after a purge of one user on one cluster');

  const nothing = await xalt('purge', '--db', s.url, '--before', '2000-01-01', '--yes');
  assert.equal(nothing.code, 0);
  assert.match(nothing.stderr, /nothing to delete/);
});

testEachStore('purge asks on a terminal, and refuses without one unless --yes', async (s) => {
  await loaded(s, 42);
  const before = await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run');
  // stdin a pipe, as in cron or a script: it cannot ask
  const piped = runXalt(['purge', '--db', s.url, '--before', '2026-11-04'], { input: 'y\n' });
  assert.equal(piped.status, 2);
  assert.match(piped.stderr, /^xalt: error: xalt purge: stdin is not a terminal, so it cannot ask before deleting; give --yes/);
  assert.equal(await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run'), before, 'nothing deleted');
  // a terminal (script(1) gives the command a pseudo-terminal): "n" keeps everything, "y" deletes
  const onTty = (answer: string) => spawnSync('script', ['-qec', `'${process.execPath}' '${xaltBin}' purge --db '${s.url}' --before 2026-11-04`, '/dev/null'], { input: answer, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  const no = onTty('n\n');
  assert.match(no.stdout, /Delete \d+ runs that started before 2026-11-04T00:00:00Z from .*\? \[y\/N\]/);
  assert.match(no.stdout, /nothing deleted/);
  assert.equal(no.status, 1);
  assert.equal(await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run'), before);
  const yes = onTty('y\n');
  assert.equal(yes.status, 0, yes.stdout);
  assert.match(yes.stdout, /deleted \d+ runs/);
  assert.equal(await count(s.store, 'SELECT COUNT(*) AS n FROM xalt_run WHERE start_time < ?', [T + 2 * DAY]), 0);
  await assertUsageMatchesRuns(s.store);
});

testEachStore('purge rejects bad input with one line and exit 2', async (s) => {
  const cases: [string[], RegExp][] = [
    [['--yes'], /--before DATE is required/],
    [['--before', 'someday', '--yes'], /^xalt: error: --before "someday": not a date/],
    [['--before', '2026-02-30x', '--yes'], /--before "2026-02-30x": not a date/],
    [['--before', '2026-01-01', '--user', ',', '--yes'], /--user ",": no value given/],
  ];
  for (const [args, message] of cases) {
    const r = await xalt('purge', '--db', s.url, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('xalt: error:')).length, 1);
  }
  const missing = await xalt('purge', '--db', `${s.url}.nope`, '--before', '2026-01-01', '--yes');
  if (s.kind === 'sqlite') {
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file/);
  }
});

/** The daily totals and library sets, keyed by what they mean (ids differ between stores). */
async function rollups(q: Queryable): Promise<Map<string, number[]>> {
  const keys = new Map((await q.all<Row>('SELECT obj_id, object_key FROM xalt_object')).map((o) => [Number(o['obj_id']), String(o['object_key'])]));
  const sets = new Map((await q.all<Row>('SELECT libset_id, obj_ids FROM xalt_libset')).map((l) => [Number(l['libset_id']), String(l['obj_ids']).split(',').map((id) => keys.get(Number(id))).sort().join(' ')]));
  const out = new Map<string, number[]>();
  for (const u of await q.all<Row>('SELECT * FROM xalt_usage_day')) {
    const key = [u['day'], u['syshost'], u['app_name'], u['has_module'], u['module_name'], u['mpi'], Number(u['libset_id']) ? sets.get(Number(u['libset_id'])) : ''].join('|');
    out.set(key, ['runs', 'runs_w', 'core_s', 'core_s_w', 'gpu_s', 'gpu_s_w', 'failed', 'failed_w'].map((c) => Number(u[c])));
  }
  for (const r of await q.all<Row>('SELECT run_uuid, libset_id FROM xalt_run')) out.set(`run ${String(r['run_uuid'])}`, [Number(r['libset_id']) ? 1 : 0]);
  return out;
}

testEachStore('db rebuild-rollups turns damaged totals and library sets back into those a fresh ingest made', async (s) => {
  await loaded(s, 43);
  const fresh = await rollups(s.store);
  await s.store.run('UPDATE xalt_usage_day SET runs = runs + 7, core_s = 0 WHERE day % 2 = 0');
  await s.store.run(`DELETE FROM xalt_usage_day WHERE syshost = 'beta'`);
  await s.store.run(`INSERT INTO xalt_usage_day (day, syshost, app_name, has_module, module_name, mpi, libset_id, runs, runs_w, core_s, core_s_w, gpu_s, gpu_s_w, failed, failed_w) VALUES (1, 'ghost', 'x', 0, '', 0, 0, 5, 5, 5, 5, 0, 0, 0, 0)`);
  await s.store.run(`UPDATE xalt_run SET libset_id = NULL WHERE run_id % 3 = 0`);
  await s.store.run('UPDATE xalt_tuple_day SET runs = runs + 2 WHERE day % 2 = 0');
  await s.store.run(`DELETE FROM xalt_tuple_day WHERE syshost = 'alpha' AND mpi = 1`);
  await assert.rejects(assertUsageMatchesRuns(s.store), 'the totals are damaged');
  const r = await xalt('db', 'rebuild-rollups', '--db', s.url);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rebuilt the library sets and daily totals of \d+ runs \(\d+ daily rows\)/);
  await assertUsageMatchesRuns(s.store);
  await assertLibsetsMatchObjects(s.store);
  const rebuilt = await rollups(s.store);
  assert.deepEqual([...rebuilt.keys()].sort(), [...fresh.keys()].sort(), 'the same rows');
  for (const [k, v] of fresh) v.forEach((x, i) => assert.ok(close(rebuilt.get(k)![i]!, x), `${k} [${i}]: ${rebuilt.get(k)![i]} ≠ ${x}`));
  await assertTotalsAgree(s.store, 'after rebuild');
});
