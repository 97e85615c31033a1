import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { testEachStore, type TestStore } from '../helpers/test-stores.js';
import { xalt } from './run-cli.js';

const T0 = FIXTURE_EPOCH; // 2026-11-02T00:00:00Z

/** Five runs of three users: one LAMMPS MPI run built by alice, a python run with numpy, failures of each kind. */
async function seed(s: TestStore) {
  const rows = storeRows(s.store);
  await rows.link({
    uuid: '11111111-1111-7111-8111-111111111111', link_program: 'mpicc(gcc)', build_user: 'alice', build_epoch: T0 - 86400,
    link_module_name: 'gcc/12.2.0', objects: [{ path: '/sw/openmpi/lib/libmpi.so.40', module: 'openmpi/4.1.6' }],
  });
  const lmp = await rows.run({
    run_uuid: '01900000-0000-7000-8000-00000000000a', user: 'alice', job_id: '5001', account: 'chem', queue: 'cpu',
    exec_path: '/home/alice/bin/lmp_mpi', app_name: 'LAMMPS*', cmdline: ['/home/alice/bin/lmp_mpi', '-in', 'in.lj'],
    start_time: T0 + 3600, run_time: 7200, num_cores: 128, num_nodes: 2, num_tasks: 128,
    build_uuid: '11111111-1111-7111-8111-111111111111',
    libs: [{ path: '/sw/openmpi/lib/libmpi.so.40', module: 'openmpi/4.1.6' }, { path: '/lib64/libc.so.6' }],
    env: { OMP_NUM_THREADS: '1' },
  });
  await rows.run({
    run_uuid: '01900000-0000-7000-8000-00000000000b', user: 'bob', job_id: '5002', exec_path: '/sw/python/3.11/bin/python3.11',
    module_name: 'python/3.11', start_time: T0 + 2 * 86400, run_time: 30,
    pkgs: [{ name: 'numpy', version: '1.26.4' }, { name: 'scipy', version: '1.11.0' }],
  });
  await rows.run({ run_uuid: '01900000-0000-7000-8000-00000000000c', user: 'bob', job_id: '5002', exec_path: '/usr/bin/false', start_time: T0 + 2 * 86400 + 60, exit_status: 1 });
  await rows.run({ run_uuid: '01900000-0000-7000-8000-00000000000d', user: 'carol', job_id: '5003', exec_path: '/home/carol/a.out', start_time: T0 + 3 * 86400, end_reason: 'signal', exit_signal: 9, exit_status: null, host: 'node007' });
  await rows.run({ run_uuid: '01900000-0000-7000-8000-00000000000e', user: 'carol', job_id: '5004', exec_path: '/home/carol/a.out', start_time: T0 + 4 * 86400, has_end: 0 });
  return { lmp };
}

const uuids = (stdout: string) => [...stdout.matchAll(/^run (\S+)/gm)].map((m) => m[1]!.slice(-1));

testEachStore('find combines filters and lists newest first', async (s) => {
  await seed(s);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url)).stdout), ['e', 'd', 'c', 'b', 'a']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--user', 'bob')).stdout), ['c', 'b']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--job', '5002', '--exec', 'python*')).stdout), ['b']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--uuid', '01900000-0000-7000-8000-00000000000')).stdout), ['e', 'd', 'c', 'b', 'a']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--uuid', '01900000-0000-7000-8000-00000000000D')).stdout), ['d']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--exec', '/home/*/a.out')).stdout), ['e', 'd']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--module', 'openmpi')).stdout), ['a'], 'a library module prefix matches');
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--module', 'python/3.11')).stdout), ['b']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--package', 'numpy')).stdout), ['b']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--host', 'node007')).stdout), ['d']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--failed')).stdout), ['e', 'd', 'c']);
  assert.deepEqual(uuids((await xalt('find', '--db', s.url, '--since', '2026-11-03', '--until', '2026-11-05T01:00')).stdout), ['d', 'c', 'b']);
  const limited = await xalt('find', '--db', s.url, '--limit', '2');
  assert.deepEqual(uuids(limited.stdout), ['e', 'd']);
  assert.match(limited.stderr, /more match/);
});

testEachStore('find shows how a run ended, its job, resources, libraries, build and packages', async (s) => {
  await seed(s);
  const a = await xalt('find', '--db', s.url, '--uuid', '01900000-0000-7000-8000-00000000000a');
  assert.equal(a.code, 0);
  assert.match(a.stdout, /alice {2}LAMMPS\* \(lmp_mpi\)/);
  assert.match(a.stdout, /start {6}2026-11-02 01:00:00 UTC {2}ended 2026-11-02 03:00:00 {2}ran 2h 00m/);
  assert.match(a.stdout, /outcome {4}exit 0\n/);
  assert.match(a.stdout, /command {4}\/home\/alice\/bin\/lmp_mpi -in in\.lj/);
  assert.match(a.stdout, /job {8}job 5001 {2}account chem {2}queue cpu/);
  assert.match(a.stdout, /resources {2}128 cores {2}2 nodes/);
  assert.match(a.stdout, /modules {4}openmpi\/4\.1\.6/);
  assert.match(a.stdout, /libraries {2}2: libmpi\.so\.40, libc\.so\.6/);
  assert.match(a.stdout, /built {6}mpicc\(gcc\) on 2026-11-01 00:00:00 by the same user on testhost; link modules: gcc\/12\.2\.0, openmpi\/4\.1\.6/);
  const v = await xalt('find', '--db', s.url, '--uuid', '01900000-0000-7000-8000-00000000000a', '-v');
  assert.match(v.stdout, /\/sw\/openmpi\/lib\/libmpi\.so\.40 \[openmpi\/4\.1\.6\]/);
  assert.match(v.stdout, /env {8}OMP_NUM_THREADS=1/);
  const b = await xalt('find', '--db', s.url, '--user', 'bob', '--package', 'numpy');
  assert.match(b.stdout, /packages {3}numpy 1\.26\.4, scipy 1\.11\.0/);
  const fails = (await xalt('find', '--db', s.url, '--failed')).stdout;
  assert.match(fails, /outcome {4}exit 1 {2}\[FAILED\]/);
  assert.match(fails, /outcome {4}killed by signal 9 \(SIGKILL\) {2}\[FAILED\]/);
  assert.match(fails, /outcome {4}no end record: still running, or lost {2}\[FAILED\]/);
});

testEachStore('find --json and --csv carry every run for scripts', async (s) => {
  await seed(s);
  const j = await xalt('find', '--db', s.url, '--user', 'alice', '--json');
  const doc = JSON.parse(j.stdout) as { schema_version: number; runs: { run_uuid: string; start: string; num_cores: number; build: { link_program: string; build_date: string }; libraries: unknown[] }[] };
  assert.equal(doc.schema_version, 1);
  assert.equal(doc.runs.length, 1);
  assert.equal(doc.runs[0]!.start, '2026-11-02T01:00:00Z');
  assert.equal(doc.runs[0]!.num_cores, 128);
  assert.equal(doc.runs[0]!.build.link_program, 'mpicc(gcc)');
  assert.equal(doc.runs[0]!.libraries.length, 2);
  const c = await xalt('find', '--db', s.url, '--csv');
  const lines = c.stdout.trimEnd().split('\r\n');
  assert.equal(lines.length, 6, 'header + 5 runs');
  assert.match(lines[0]!, /^run_uuid,syshost,host,user,/);
  const header = lines[0]!.split(',');
  const bobPy = lines.find((l) => l.includes('python3.11'))!;
  assert.match(bobPy, /numpy==1\.26\.4 scipy==1\.11\.0/);
  assert.equal(bobPy.split(',')[header.indexOf('start_time')], '2026-11-04T00:00:00Z');
});

testEachStore('find exits 3 when nothing matched, and 2 on bad options', async (s) => {
  await seed(s);
  const none = await xalt('find', '--db', s.url, '--user', 'nobody');
  assert.equal(none.code, 3);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /no runs matched \(--user nobody\)/);
  const badDate = await xalt('find', '--db', s.url, '--since', 'yesteryear');
  assert.equal(badDate.code, 2);
  assert.match(badDate.stderr, /^xalt: error: --since "yesteryear": not a date/);
  const badLimit = await xalt('find', '--db', s.url, '--limit', '0');
  assert.equal(badLimit.code, 2);
  assert.match(badLimit.stderr, /--limit "0": expected a whole number/);
  const badUuid = await xalt('find', '--db', s.url, '--uuid', 'xyz');
  assert.equal(badUuid.code, 2);
  const badFormat = await xalt('find', '--db', s.url, '--format', 'xml');
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format xml: not one of/);
});

test('find without a store says how to name one; the config\'s [store] url is the last fallback', async () => {
  const saved = { db: process.env['XALT_DB'], config: process.env['XALT_CONFIG'] };
  delete process.env['XALT_DB'];
  const dir = mkdtempSync(join(tmpdir(), 'xalt-find-config-'));
  try {
    process.env['XALT_CONFIG'] = join(dir, 'none.toml');
    writeFileSync(process.env['XALT_CONFIG'], '[store]\nurl = ""\n');
    const r = await xalt('find', '--user', 'x');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /xalt: error: no store given\n {2}hint: pass --db/);
    process.env['XALT_CONFIG'] = join(dir, 'elsewhere.toml');
    writeFileSync(process.env['XALT_CONFIG'], `[store]\nurl = "${join(dir, 'configured.db')}"\n`);
    const r2 = await xalt('find', '--user', 'x');
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /store .*configured\.db: no such file/);
  } finally {
    for (const [k, v] of [['XALT_DB', saved.db], ['XALT_CONFIG', saved.config]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
