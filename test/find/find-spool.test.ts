import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { xalt } from './run-cli.js';
import { writeSpoolFile, writeSpoolLink, writeSpoolRun } from './spool-records.js';

const NOV = Date.UTC(2026, 10, 10, 12) / 1000;
const OCT = Date.UTC(2026, 9, 10, 12) / 1000;

function spool(): { dir: string; ids: Record<string, string>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-spool-'));
  const link = writeSpoolLink(dir, { build_epoch: OCT, build_user: 'alice', link_program: 'mpicc(gcc)' });
  writeSpoolLink(dir, { build_epoch: OCT + 100, build_user: 'bob', link_program: 'icx', build_id: 'feedbeef' });
  const ids = {
    ok: writeSpoolRun(dir, { user: 'alice', job_id: '100', start: NOV, run_time: 3600, exec_path: '/home/alice/sim', cmdline: ['/home/alice/sim', '--steps', '10'], build_uuid: link, build_epoch: OCT, num_cores: 64 }),
    py: writeSpoolRun(dir, { user: 'bob', job_id: '200', start: NOV + 60, exec_path: '/usr/bin/python3', pkgs: [{ name: 'numpy', version: '1.26.4' }, { name: 'torch', version: '2.3.0' }] }),
    killed: writeSpoolRun(dir, { user: 'bob', job_id: '200', start: NOV + 120, end_reason: 'signal', signal: 11, exit_status: -1, exec_path: '/home/bob/crash', build_id: 'feedbeef' }),
    lost: writeSpoolRun(dir, { user: 'carol', job_id: '300', start: NOV + 180, end: false }),
    october: writeSpoolRun(dir, { user: 'alice', job_id: '50', start: OCT }),
  };
  return { dir, ids, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('find --spool joins start, end, pkg and link records with no database', async () => {
  const s = spool();
  try {
    const all = await xalt('find', '--spool', s.dir);
    assert.equal(all.code, 0, all.stderr);
    assert.equal([...all.stdout.matchAll(/^run /gm)].length, 5);
    const ok = await xalt('find', '--spool', s.dir, '--uuid', s.ids['ok']!.slice(0, 20), '--user', 'alice');
    assert.match(ok.stdout, /outcome {4}exit 0\n/);
    assert.match(ok.stdout, /command {4}\/home\/alice\/sim --steps 10/);
    assert.match(ok.stdout, /resources {2}64 cores/);
    assert.match(ok.stdout, /built {6}mpicc\(gcc\) on 2026-10-10 12:00:00 by the same user/);
    const py = await xalt('find', '--spool', s.dir, '--package', 'torch');
    assert.match(py.stdout, /packages {3}numpy 1\.26\.4, torch 2\.3\.0/);
    assert.equal([...py.stdout.matchAll(/^run /gm)].length, 1);
    const failed = await xalt('find', '--spool', s.dir, '--failed', '--json');
    const runs = (JSON.parse(failed.stdout) as { runs: { run_uuid: string; outcome: string; build: { link_program: string; matched_by: string } | null }[] }).runs;
    assert.deepEqual(runs.map((r) => [r.run_uuid, r.outcome]), [[s.ids['lost'], 'never_ended'], [s.ids['killed'], 'signal']]);
    assert.deepEqual(runs[1]!.build && [runs[1]!.build.link_program, runs[1]!.build.matched_by], ['icx', 'build_id'], 'joined by ELF build-id');
    const job = await xalt('find', '--spool', s.dir, '--job', '200', '--exec', 'py*');
    assert.equal([...job.stdout.matchAll(/^run /gm)].length, 1);
  } finally {
    s.cleanup();
  }
});

test('find --spool reads only the months in the date range', async () => {
  const s = spool();
  try {
    // a broken file in October cannot disturb a November search: October is never read
    writeSpoolFile(s.dir, `202610/001/run.spoolhost.2026_10_11_00_00_00_0000.alice.zzz.${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}.json`, '{"crc": tru');
    const nov = await xalt('find', '--spool', s.dir, '--since', '2026-11-01', '--until', '2026-12-01');
    assert.equal(nov.code, 0);
    assert.equal(nov.stderr, '');
    assert.equal([...nov.stdout.matchAll(/^run /gm)].length, 4);
    const oct = await xalt('find', '--spool', s.dir, '--since', '2026-10-01', '--until', '2026-11-01', '--user', 'alice');
    assert.equal([...oct.stdout.matchAll(/^run /gm)].length, 1);
    assert.match(oct.stderr, /^xalt: warning: .*202610\/001\/run\..*\.json: not JSON/m, 'the bad record is named, not fatal');
  } finally {
    s.cleanup();
  }
});

test('find --spool: nothing matched exits 3; bad spool and --module are clear errors', async () => {
  const s = spool();
  try {
    const none = await xalt('find', '--spool', s.dir, '--user', 'zed');
    assert.equal(none.code, 3);
    const missing = await xalt('find', '--spool', join(s.dir, 'nope'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^xalt: error: spool .*nope: no such directory/);
    const both = await xalt('find', '--spool', s.dir, '--db', join(s.dir, 'x.db'));
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--spool and --db name two different sources/);
    const mod = await xalt('find', '--spool', s.dir, '--module', 'gcc');
    assert.equal(mod.code, 2);
    assert.match(mod.stderr, /--module cannot be used with --spool/);
    writeSpoolFile(s.dir, `202611/002/run.spoolhost.2026_11_10_13_00_00_0000.alice.zzz.${'1'.repeat(8)}-0000-7000-8000-${'1'.repeat(12)}.json`, '{"crc":"0x0000","userT":{}}\n');
    writeSpoolFile(s.dir, `202611/003/run.spoolhost.2026_11_10_14_00_00_0000.alice.zzz.${'2'.repeat(8)}-0000-7000-8000-${'2'.repeat(12)}.json`, `{"crc":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    const bad = await xalt('find', '--spool', s.dir, '--user', 'alice');
    assert.equal(bad.code, 0, 'bad records are skipped, the good ones still found');
    assert.equal([...bad.stdout.matchAll(/^run /gm)].length, 2);
    assert.match(bad.stderr, /warning: .*1111-0000-7000-8000-111111111111\.json: cmdlineA: missing/);
    assert.match(bad.stderr, /warning: .*2222-0000-7000-8000-222222222222\.json: \d+ bytes, larger than any record/);
  } finally {
    s.cleanup();
  }
});

test('find --spool takes the new filters too: comma lists, account, queue, outcome, library', async () => {
  const s = spool();
  try {
    const n = async (...args: string[]) => [...(await xalt('find', '--spool', s.dir, ...args)).stdout.matchAll(/^run /gm)].length;
    assert.equal(await n('--user', 'alice,carol'), 3);
    assert.equal(await n('--job', '100,300'), 2);
    assert.equal(await n('--account', 'acct'), 5);
    assert.equal(await n('--account', 'other'), 0);
    assert.equal(await n('--partition', 'normal'), 5);
    assert.equal(await n('--outcome', 'signal,never_ended'), 2);
    assert.equal(await n('--outcome', 'ok'), 3);
    assert.equal(await n('--library', 'libc.so*'), 5);
    assert.equal(await n('--library', '/lib64/*'), 5);
    assert.equal(await n('--library', 'libssl*'), 0);
    const p = await xalt('find', '--spool', s.dir, '--parsable', '--noheader', '--fields', 'user,job', '--user', 'carol');
    assert.equal(p.stdout, 'carol|300.0\n', 'the job as Slurm names it: job 300, step 0');
  } finally {
    s.cleanup();
  }
});
