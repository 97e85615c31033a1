/**
 * What the collector writes: the run file in node-local staging (transport ship, the
 * default), record files in a prepared spool (transport direct) per
 * src/schema/spool-layout.ts, modes, exec_identity, hash_id and its cache (direct),
 * build-id, watermark, libA/ptA, scheduler and MPI fields, start-record policies and the
 * XALT_* variables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileTimeStamp, monthDir, recordDir, runFileName } from '../../src/schema/spool-layout.js';
import { ROOT, buildLib, buildLibFromToml, compile, endRecords, listFiles, prepareSpool, run, runRecords, scratch, startRecords, trackingEnv } from './harness.js';

const lib = buildLib();
const direct = buildLibFromToml(); // transport "direct", no path rules
const sha1 = (p: string) => createHash('sha1').update(readFileSync(p)).digest('hex');
const identity = (p: string) => {
  const st = statSync(p, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs / 1000n}`;
};
/** A tracking environment whose spool is prepared for transport direct. */
function directEnv() {
  const t = trackingEnv();
  prepareSpool(t.spool);
  return t;
}

test('transport ship (default): the run file in staging, 0600, named as contracts.md says; the spool untouched', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  run(exe, [], { env: { ...t.env, SLURM_JOB_ID: '4711/x' }, preload: lib });
  const [r] = endRecords(t.tmp);
  assert.ok(r);
  const u = r.record.userT, dt = r.record.userDT;
  assert.equal(r.path, join(t.tmp, `xalt_run.${process.getuid!()}.4711_x.${u.run_uuid}.json`));
  assert.equal(r.mode, 0o600);
  assert.deepEqual(listFiles(t.spool), [], 'nothing in the spool');
  assert.deepEqual(runRecords(t.tmp).map((x) => x.path), [r.path], 'one file: the end record replaced the start record');
  assert.equal(u.user, 'tester');
  assert.match(u.run_uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(Math.abs(dt.start_time - Date.now() / 1000) < 600);
  assert.equal(dt.exec_epoch, Math.floor(dt.start_time));
  assert.equal(dt.num_tasks, 1);
  assert.equal(dt.schema_version, 2);
  assert.equal(u.exec_type, 'binary');
  assert.equal(u.start_policy, 'staged');
  assert.equal(u.end_reason, 'exit');
  assert.equal(u.job_state, '');
  assert.equal(r.record.hash_id, '', 'no SHA-1 in the user\'s process: xalt-ship fills it');
  assert.equal(u.exec_identity, identity(exe));
  assert.deepEqual(Object.keys(r.record), ['crc', 'cmdlineA', 'hash_id', 'libA', 'ptA', 'envT', 'userT', 'userDT', 'xaltLinkT', 'XALT_measureT', 'XALT_qaT']);
  assert.deepEqual(Object.keys(u).slice(-9), ['job_step', 'end_reason', 'exec_build_id', 'parent_run_uuid', 'start_policy', 'exec_identity', 'array_job_id', 'array_task_id', 'job_state']);
  assert.deepEqual(Object.keys(dt).slice(-5), ['exit_status', 'signal', 'gpu_used', 'cpus_per_task', 'schema_version']);
  assert.equal(listFiles(t.tmp).some((p) => p.endsWith('.new')), false);
});

test('transport direct: file name, directory and modes follow the spool contract; the staged start is removed', () => {
  const exe = compile('hello');
  const t = directEnv();
  run(exe, [], { env: t.env, preload: direct });
  const [r] = endRecords(t.spool);
  assert.ok(r);
  const u = r.record.userT, dt = r.record.userDT;
  assert.equal(r.path, join(t.spool, recordDir('month/hash', dt.start_time, u.run_uuid), runFileName(u.syshost, dt.start_time, u.user, false, u.run_uuid)));
  assert.equal(r.mode, 0o600);
  assert.equal(runRecords(t.spool).length, 1, 'staged policy: no aaa record in the spool');
  assert.equal(r.record.hash_id, sha1(exe), 'direct: hash_id computed in the process, as XALT');
  assert.equal(u.exec_identity, identity(exe));
  assert.deepEqual(runRecords(t.tmp), [], 'the staged start record is gone once the end record is in the spool');
  assert.equal(listFiles(t.spool).some((p) => p.endsWith('.new')), false);
});

test('transport direct never creates or uses spool directories it does not trust', () => {
  const exe = compile('hello');
  const other = 4242;
  const cases: [string, (month: string, hash: string) => void][] = [
    ['missing month directory', () => {}],
    ['missing hash directory', (m) => mkdirSync(m, { recursive: true })],
    ['hash directory owned by another user', (m, h) => { mkdirSync(h, { recursive: true }); chmodSync(h, 0o1777); chownSync(h, other, other); }],
    ['month directory owned by another user', (m, h) => { mkdirSync(h, { recursive: true }); chmodSync(h, 0o1777); chownSync(m, other, other); }],
    ['world-writable hash directory without the sticky bit', (m, h) => { mkdirSync(h, { recursive: true }); chmodSync(h, 0o777); }],
    ['hash directory is a symlink', (m, h) => { const real = join(dirname(m), 'elsewhere'); mkdirSync(real, { recursive: true }); chmodSync(real, 0o1777); mkdirSync(m, { recursive: true }); symlinkSync(real, h); }],
  ];
  for (const [what, plant] of cases) {
    const t = trackingEnv();
    // The run's uuid is not known before it starts: plant the trap in every hash directory of the month.
    const month = join(t.spool, monthDir(Date.now() / 1000));
    for (let i = 0; i < 997; i++) plant(month, join(month, String(i).padStart(3, '0')));
    const before = listFiles(t.spool).length;
    const r = run(exe, ['2'], { env: { ...t.env, XALT_TRACING: 'yes' }, preload: direct });
    assert.equal(r.status, 2, what);
    assert.equal(listFiles(t.spool).length, before, `${what}: nothing written or created`);
    assert.match(r.stderr, /^xalt: spool directory .* (does not exist|is not trusted|Not a directory|Too many levels).*: record not written$/m, what);
    assert.equal(startRecords(t.tmp).length, 1, `${what}: the staged start record stays for the epilog`);
  }
});

test('USER unset: the numeric uid names the user; XALT_FILE_PREFIX=USE_HOME writes to ~/.xalt.d (0700)', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  const home = scratch('userhome');
  run(exe, [], { env: { ...t.env, USER: undefined, HOME: home, XALT_FILE_PREFIX: 'USE_HOME' }, preload: direct });
  const recs = endRecords(join(home, '.xalt.d'));
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.record.userT.user, String(process.getuid!()));
  assert.equal(statSync(join(home, '.xalt.d')).mode & 0o777, 0o700);
  const shipped = trackingEnv();
  run(exe, [], { env: { ...shipped.env, USER: undefined }, preload: lib });
  assert.equal(endRecords(shipped.tmp)[0]?.record.userT.user, String(process.getuid!()));
});

test('transport ship: a changed executable is never hashed in the process; exec_identity follows the file', () => {
  const exe = join(scratch('exe'), 'prog');
  copyFileSync(compile('hello'), exe);
  const t = trackingEnv();
  run(exe, [], { env: t.env, preload: lib });
  const first = identity(exe);
  const bytes = readFileSync(exe);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  writeFileSync(exe, bytes);
  utimesSync(exe, new Date(), new Date(Date.now() + 5000)); // a later mtime, whatever the clock's granularity
  run(exe, [], { env: t.env, preload: lib });
  const recs = endRecords(t.tmp).sort((a, b) => a.record.userDT.start_time - b.record.userDT.start_time).map((r) => r.record);
  assert.deepEqual(recs.map((r) => r.hash_id), ['', '']);
  assert.deepEqual(recs.map((r) => r.userT.exec_identity), [first, identity(exe)]);
  assert.notEqual(first, identity(exe));
  assert.deepEqual(listFiles(join(t.tmp, `xalt_sha1.${process.getuid!()}`)).filter((p) => /\/\d+\.\d+$/.test(p)), [], 'no hash cache entry');
});

test('transport direct: hash_id is the SHA-1 of the executable, cached per user and never stale', () => {
  const exe = join(scratch('exe'), 'prog');
  copyFileSync(compile('hello'), exe);
  const t = directEnv();
  run(exe, [], { env: t.env, preload: direct });
  const cacheDir = join(t.tmp, `xalt_sha1.${process.getuid!()}`);
  assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
  assert.equal(listFiles(cacheDir).filter((p) => /\/\d+\.\d+$/.test(p)).length, 1, 'one hash entry (dev.inode)');
  run(exe, [], { env: t.env, preload: direct });
  // change the file (same size, new content and mtime): the cache entry must not be reused
  const bytes = readFileSync(exe);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  writeFileSync(exe, bytes);
  run(exe, [], { env: t.env, preload: direct });
  const hashes = endRecords(t.spool).sort((a, b) => a.record.userDT.start_time - b.record.userDT.start_time).map((r) => r.record.hash_id);
  assert.equal(hashes.length, 3);
  assert.equal(hashes[0], hashes[1]);
  assert.equal(hashes[2], sha1(exe));
  assert.notEqual(hashes[1], hashes[2]);
});

test('transport direct: a cache directory another user could write is ignored (no poisoned hash_id)', () => {
  const exe = compile('hello');
  const t = directEnv();
  run(exe, [], { env: t.env, preload: direct });
  const cacheDir = join(t.tmp, `xalt_sha1.${process.getuid!()}`);
  const [entry] = listFiles(cacheDir).filter((p) => /\/\d+\.\d+$/.test(p));
  assert.ok(entry);
  const line = readFileSync(entry, 'utf8');
  writeFileSync(entry, line.replace(/[0-9a-f]{40}/, '0'.repeat(40)));
  chmodSync(cacheDir, 0o777);
  run(exe, [], { env: t.env, preload: direct });
  if (process.getuid!() === 0) {
    chmodSync(cacheDir, 0o700);
    chownSync(cacheDir, 65534, 65534);
    run(exe, [], { env: t.env, preload: direct });
  }
  for (const r of endRecords(t.spool)) assert.equal(r.record.hash_id, sha1(exe));
});

test('exec_build_id is the ELF build-id; xaltLinkT is the watermark note, decoded', () => {
  const exe = compile('watermark', ['-Wl,--build-id=sha1']);
  const t = trackingEnv();
  run(exe, [], { env: t.env, preload: lib });
  const [r] = endRecords(t.tmp);
  assert.ok(r);
  const notes = execFileSync('readelf', ['-n', exe], { encoding: 'utf8' });
  assert.equal(r.record.userT.exec_build_id, /Build ID: ([0-9a-f]+)/.exec(notes)?.[1]);
  assert.deepEqual(r.record.xaltLinkT, {
    XALT_Version: '3.0.2',
    Build_compiler: 'gcc',
    Build_UUID: '0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b',
    Build_date: 'Fri Jul 16',
    Build_Epoch: '1626474753.1234',
  });
  assert.equal(r.record.userDT.Build_Epoch, 1626474753.1234);
  assert.ok(r.text.includes('"userDT":{"Build_Epoch":1626474753.1234,'));
});

test('libA lists shared objects including ones dlopen-ed later, never the collector; ptA starts at the parent', () => {
  const exe = compile('dlopen_lib', ['-ldl']);
  const t = trackingEnv();
  run(exe, [], { env: t.env, preload: lib });
  const [r] = endRecords(t.tmp);
  assert.ok(r);
  const libs = r.record.libA.map(([p]) => p);
  assert.ok(libs.some((p) => /\/libc\.so\.6$/.test(p)), 'libc');
  assert.ok(libs.some((p) => /\/libm\.so\.6$/.test(p)), 'dlopen-ed libm');
  assert.ok(!libs.some((p) => p.includes('libxalt')));
  assert.ok(r.record.libA.every(([, h]) => h === '0'));
  assert.equal(new Set(libs).size, libs.length, 'no duplicates');
  assert.equal(r.record.ptA?.[0]?.pid, process.pid);
  assert.equal(r.record.ptA?.[0]?.cmd_path, process.execPath);
});

/** XALT's libA name rule: the base name ends in ".so", or ".so" and a version (".1.2.3"). */
const isSharedObject = (path: string) => /\.so(\.[0-9.]+)?$/.test(path.slice(path.lastIndexOf('/') + 1));

test('libA is what /proc/self/maps shows at the end, whether the loader or the maps text is asked', () => {
  const dir = scratch('maps');
  const so = (out: string) => execFileSync('cc', ['-shared', '-fPIC', '-o', out, join(ROOT, 'test/collector/snippets/empty_lib.c')]);
  // A library loaded through its soname link, one in a directory with a 300-byte path,
  // and one deleted once loaded (maps says "(deleted)": never listed).
  so(join(dir, 'libxtest.so.1.2.3'));
  symlinkSync('libxtest.so.1.2.3', join(dir, 'libxtest.so.1'));
  const deep = join(dir, 'd'.repeat(150), 'e'.repeat(150));
  mkdirSync(deep, { recursive: true });
  so(join(deep, 'libdeep.so'));
  const exe = compile('maps_libs', ['-ldl']);
  const t = trackingEnv();
  const cases = [{ how: 'exit', env: t.env }, { how: 'term', env: { ...t.env, XALT_SIGNAL_HANDLER: 'all' } }];
  for (const c of cases) {
    so(join(dir, 'libgone.so'));
    const out = run(exe, [c.how, 'libm.so.6', join(dir, 'libxtest.so.1'), join(deep, 'libdeep.so'), `-${join(dir, 'libgone.so')}`], { env: c.env, preload: lib });
    const shown = out.stdout.split('\n').filter((p) => p && !p.endsWith(' (deleted)') && isSharedObject(p) && !p.includes('libxalt'));
    const [r] = endRecords(t.tmp).filter((x) => x.record.userT.end_reason === (c.how === 'exit' ? 'exit' : 'signal'));
    assert.ok(r, `an end record (${c.how})`);
    const libA = r.record.libA.map(([p]) => p);
    assert.deepEqual([...libA].sort(), [...new Set(shown)].sort(), `libA equals the maps list (${c.how})`);
    assert.ok(libA.includes(join(dir, 'libxtest.so.1.2.3')), 'the file behind the soname link');
    assert.ok(libA.includes(join(deep, 'libdeep.so')), 'a long path');
    assert.ok(!libA.some((p) => p.includes('libgone')), 'a deleted library is not listed');
  }
});

test('exec_path is the real file, whether the program is started by a plain, a relative or a symlinked name', () => {
  const exe = compile('hello');
  const dir = scratch('names');
  symlinkSync(dirname(exe), join(dir, 'linkdir'));
  const t = trackingEnv();
  run(exe, ['plain'], { env: t.env, preload: lib });
  run('./hello', ['relative'], { env: t.env, preload: lib, cwd: dirname(exe) });
  run(join(dir, 'linkdir', 'hello'), ['symlinked'], { env: t.env, preload: lib });
  const recs = endRecords(t.tmp).map((r) => r.record);
  assert.equal(recs.length, 3);
  for (const r of recs) {
    assert.equal(r.userT.exec_path, realpathSync(exe), `exec_path (${r.cmdlineA[1]})`);
    assert.equal(r.userT.exec_identity, identity(exe), `exec_identity (${r.cmdlineA[1]})`);
  }
});

test('GPU use: counted only when a GPU runtime was loaded and devices were visible, and only when GPU tracking is on', () => {
  const dir = scratch('gpu');
  const fake = join(dir, 'libcudart.so.12');
  execFileSync('cc', ['-shared', '-fPIC', '-o', fake, join(ROOT, 'test/collector/snippets/empty_lib.c')]);
  const exe = compile('gpu_user', ['-ldl']);
  const cases: [string, string[], Record<string, string | undefined>, number][] = [
    ['runtime loaded, two devices visible', [fake], { CUDA_VISIBLE_DEVICES: '0,1' }, 2],
    ['no runtime loaded', [], { CUDA_VISIBLE_DEVICES: '0,1' }, 0],
    ['runtime loaded, no device visible', [fake], { CUDA_VISIBLE_DEVICES: '' }, 0],
    ['XALT_GPU_TRACKING=no', [fake], { CUDA_VISIBLE_DEVICES: '0,1', XALT_GPU_TRACKING: 'no' }, 0],
    ['XALT_GPU_TRACKING=yes', [fake], { ROCR_VISIBLE_DEVICES: '3', XALT_GPU_TRACKING: 'yes' }, 1],
  ];
  for (const [what, args, env, gpus] of cases) {
    const t = trackingEnv();
    const out = run(exe, args, { env: { ...t.env, ...env }, preload: lib });
    assert.equal(out.stdout, `loaded ${args.length}\n`, what);
    const [r] = endRecords(t.tmp);
    assert.equal(r?.record.userDT.num_gpus, gpus, what);
    assert.equal(r?.record.userDT.gpu_used, gpus > 0 ? 1 : 0, what);
  }
  // the compiled switch: [tracking] gpu = false
  const off = buildLibFromToml('[tracking]\ngpu = false\n');
  const t = trackingEnv();
  run(exe, [fake], { env: { ...t.env, CUDA_VISIBLE_DEVICES: '0,1' }, preload: off });
  run(exe, [fake], { env: { ...t.env, CUDA_VISIBLE_DEVICES: '0,1', XALT_GPU_TRACKING: 'yes' }, preload: off });
  const byEnv = endRecords(t.tmp).map((r) => r.record.userDT.num_gpus).sort();
  assert.deepEqual(byEnv, [0, 2], 'config off; XALT_GPU_TRACKING=yes turns it on for one process');
});

test('scheduler fields: Slurm, PBS, SGE, LSF, Flux, none', () => {
  const exe = compile('hello');
  const cases: [Record<string, string>, Record<string, string>, number][] = [
    [{ SLURM_JOB_ID: '42', SLURM_JOB_ACCOUNT: 'acct', SLURM_JOB_PARTITION: 'gpu', SLURM_SUBMIT_HOST: 'login1', SLURM_NNODES: '3', SLURM_STEP_ID: '7' },
      { scheduler: 'SLURM', job_id: '42', account: 'acct', queue: 'gpu', submit_host: 'login1', job_step: '7', array_job_id: '', array_task_id: '' }, 3],
    [{ PBS_JOBID: '1234.server', PBS_ACCOUNT: 'pa', PBS_QUEUE: 'q', PBS_O_HOST: 'h', PBS_NUM_NODES: '2' },
      { scheduler: 'PBS', job_id: '1234', account: 'pa', queue: 'q', submit_host: 'h', job_step: '' }, 2],
    [{ SGE_ACCOUNT: 'sa', JOB_ID: '99', QUEUE: 'all.q', HHOSTS: '4', SGE_TASK_ID: 'undefined' }, { scheduler: 'SGE', job_id: '99', account: 'sa', queue: 'all.q', submit_host: 'unknown', array_job_id: '' }, 4],
    [{ LSF_VERSION: '10', LSB_JOBID: '77', LSB_QUEUE: 'normal', LSB_MCPU_HOSTS: 'a 4 b 4 c 4', LSB_JOBINDEX: '0' }, { scheduler: 'LSF', job_id: '77', queue: 'normal', account: 'unknown', array_job_id: '' }, 3],
    [{ FLUX_JOB_ID: 'f3Gx', FLUX_JOB_NNODES: '5' }, { scheduler: 'FLUX', job_id: 'f3Gx' }, 5],
    [{}, { scheduler: 'unknown', job_id: 'unknown', account: 'unknown', queue: 'unknown', job_step: '', array_job_id: '', array_task_id: '', job_state: '' }, 1],
  ];
  for (const [env, want, nodes] of cases) {
    const t = trackingEnv();
    run(exe, [], { env: { ...t.env, ...env }, preload: lib });
    const [r] = endRecords(t.tmp);
    assert.ok(r, JSON.stringify(env));
    for (const [k, v] of Object.entries(want)) assert.equal(r.record.userT[k], v, `${k} for ${JSON.stringify(env)}`);
    assert.equal(r.record.userDT.num_nodes, nodes);
  }
});

test('array jobs: the array id and task index, as Slurm, PBS, LSF and SGE name them', () => {
  const exe = compile('hello');
  const cases: [Record<string, string>, string, string, string][] = [
    [{ SLURM_JOB_ID: '111', SLURM_ARRAY_JOB_ID: '110', SLURM_ARRAY_TASK_ID: '1' }, '111', '110', '1'],
    [{ PBS_JOBID: '1234[5].pbs01', PBS_ARRAY_ID: '1234[].pbs01', PBS_ARRAY_INDEX: '5' }, '1234[5]', '1234', '5'],
    [{ PBS_JOBID: '88[2].torque', PBS_ARRAYID: '2' }, '88[2]', '88', '2'],
    [{ LSB_JOBID: '300', LSB_JOBINDEX: '4' }, '300', '300', '4'],
    [{ SGE_ACCOUNT: 'sge', JOB_ID: '51', SGE_TASK_ID: '3' }, '51', '51', '3'],
  ];
  for (const [env, job, array, task] of cases) {
    const t = trackingEnv();
    run(exe, [], { env: { ...t.env, ...env }, preload: lib });
    const [r] = endRecords(t.tmp);
    assert.ok(r, JSON.stringify(env));
    assert.deepEqual([r.record.userT.job_id, r.record.userT.array_job_id, r.record.userT.array_task_id], [job, array, task], JSON.stringify(env));
    assert.equal(r.name.split('.')[2], job.replace(/[^A-Za-z0-9_-]/g, '_'), 'the staging file carries the job id');
  }
});

test('cores are tasks x CPUs per task (Slurm, PBS); threads recorded beside them', () => {
  const exe = compile('hello');
  const cases: [Record<string, string>, number, number, number, number][] = [
    [{ SLURM_JOB_ID: '5', SLURM_STEP_NUM_TASKS: '4', SLURM_CPUS_PER_TASK: '8', OMP_NUM_THREADS: '8' }, 4, 8, 32, 8],
    [{ SLURM_JOB_ID: '5', SLURM_CPUS_PER_TASK: '2' }, 1, 2, 2, 1],
    [{ SLURM_JOB_ID: '5', SLURM_STEP_NUM_TASKS: '3' }, 3, 1, 3, 1],
    [{ PBS_JOBID: '9.srv', NCPUS: '16', OMP_NUM_THREADS: '4' }, 1, 16, 16, 4],
    [{ PBS_JOBID: '9.srv', ncpus: '6', PMI_SIZE: '2' }, 2, 6, 12, 1],
    [{ SLURM_JOB_ID: '5', SLURM_CPUS_PER_TASK: 'lots' }, 1, 1, 1, 1],
    [{ SLURM_CPUS_PER_TASK: '8' }, 1, 1, 1, 1], // not inside a job
  ];
  for (const [env, tasks, cpus, cores, threads] of cases) {
    const t = trackingEnv();
    run(exe, [], { env: { ...t.env, ...env }, preload: lib });
    const [r] = endRecords(t.tmp);
    const dt = r!.record.userDT;
    assert.deepEqual([dt.num_tasks, dt.cpus_per_task, dt.num_cores, dt.num_threads], [tasks, cpus, cores, threads], JSON.stringify(env));
  }
});

test('job_step as Slurm names steps: numbers, batch, interactive, extern; the batch script is "batch"', () => {
  const exe = compile('hello');
  const cases: [Record<string, string>, string][] = [
    [{ SLURM_JOB_ID: '7', SLURM_STEP_ID: '0' }, '0'],
    [{ SLURM_JOB_ID: '7', SLURM_STEP_ID: '12' }, '12'],
    [{ SLURM_JOB_ID: '7', SLURM_STEP_ID: '4294967294' }, 'batch'],
    [{ SLURM_JOB_ID: '7', SLURM_STEP_ID: '4294967290' }, 'interactive'],
    [{ SLURM_JOB_ID: '7', SLURM_STEP_ID: '4294967295' }, 'extern'],
    [{ SLURM_JOB_ID: '7', SLURM_STEP_ID: '4294967291' }, 'batch'], // Slurm 20.11 and later
    [{ SLURM_JOB_ID: '7', SLURM_STEP_ID: '4294967292' }, 'extern'],
    [{ SLURM_JOB_ID: '7' }, 'batch'],
    [{ SLURM_JOB_ID: '7', SLURM_STEPID: '3' }, '3'],
    [{}, ''],
  ];
  for (const [env, step] of cases) {
    const t = trackingEnv();
    run(exe, [], { env: { ...t.env, ...env }, preload: lib });
    assert.equal(endRecords(t.tmp)[0]?.record.userT.job_step, step, JSON.stringify(env));
  }
});

test('MPI: ranks > 0 are never tracked, whichever launcher set the rank', () => {
  const exe = compile('hello');
  for (const v of ['OMPI_COMM_WORLD_RANK', 'MV2_COMM_WORLD_RANK', 'PMI_RANK', 'PMIX_RANK', 'PALS_RANKID', 'FLUX_TASK_RANK', 'SLURM_PROCID']) {
    const t = trackingEnv();
    run(exe, [], { env: { ...t.env, [v]: '3' }, preload: lib });
    assert.equal(runRecords(t.tmp).length, 0, v);
    run(exe, [], { env: { ...t.env, [v]: '0' }, preload: lib });
    assert.equal(runRecords(t.tmp).length, 1, `${v}=0 is tracked`);
  }
});

test('MPI size (transport direct, policy mpi): XALT_COMM_WORLD_SIZE wins; at the threshold a start record is written too, same uuid', () => {
  const exe = compile('hello');
  const t = directEnv();
  const env = { ...t.env, XALT_START_POLICY: 'mpi' };
  run(exe, [], { env: { ...env, OMPI_COMM_WORLD_SIZE: '8', XALT_COMM_WORLD_SIZE: '4' }, preload: direct });
  const recs = runRecords(t.spool);
  assert.equal(recs.length, 2);
  const start = recs.find((r) => r.name.includes('.aaa.'))!, end = recs.find((r) => r.name.includes('.zzz.'))!;
  assert.equal(start.record.userT.run_uuid, end.record.userT.run_uuid);
  assert.equal(start.record.userDT.start_time, end.record.userDT.start_time);
  assert.equal(start.name.replace('.aaa.', '.zzz.'), end.name);
  assert.equal(start.record.userDT.end_time, 0);
  assert.equal(start.record.userDT.exit_status, -1);
  assert.equal(end.record.userDT.num_tasks, 4);
  assert.equal(end.record.userDT.num_cores, 4);
  assert.deepEqual(runRecords(t.tmp), [], 'staged copy removed at the end');
  const off = directEnv();
  run(exe, [], { env: { ...off.env, PMI_SIZE: '4', XALT_MPI_TRACKING: 'no' }, preload: direct });
  run(exe, [], { env: { ...off.env, XALT_SCALAR_TRACKING: 'no' }, preload: direct });
  assert.equal(runRecords(off.spool).length + runRecords(off.tmp).length, 0);
  const low = directEnv();
  run(exe, [], { env: { ...low.env, XALT_START_POLICY: 'mpi', PMI_SIZE: '4', XALT_MPI_ALWAYS_RECORD: '8' }, preload: direct });
  assert.deepEqual(runRecords(low.spool).map((r) => r.name.includes('.zzz.')), [true]);
});

test('start policies (transport direct): always (XALT_ALWAYS_CREATE_START=yes as a real yes/no), mpi and staged', () => {
  const exe = compile('hello');
  for (const [env, spoolStarts, policy] of [
    [{ XALT_START_POLICY: 'mpi', XALT_ALWAYS_CREATE_START: 'yes' }, 1, 'always'],
    [{ XALT_START_POLICY: 'mpi', XALT_ALWAYS_CREATE_START: 'no' }, 0, 'mpi'],
    [{ XALT_START_POLICY: 'always' }, 1, 'always'],
    [{ XALT_START_POLICY: 'staged' }, 0, 'staged'],
    [{}, 0, 'staged'],
  ] as const) {
    const t = directEnv();
    run(exe, [], { env: { ...t.env, ...env }, preload: direct });
    const recs = runRecords(t.spool);
    assert.equal(recs.filter((r) => r.name.includes('.aaa.')).length, spoolStarts, JSON.stringify(env));
    assert.equal(recs.filter((r) => r.name.includes('.zzz.')).length, 1);
    assert.equal(recs[0]!.record.userT.start_policy, policy, JSON.stringify(env));
    assert.deepEqual(runRecords(t.tmp), [], 'staged copy removed after the end record');
  }
});

test('start policies (transport ship): a run killed before its end leaves its start record in staging unless the policy is mpi', () => {
  const exe = compile('die');
  for (const [env, staged] of [
    [{}, 1],
    [{ XALT_START_POLICY: 'always' }, 1],
    [{ XALT_START_POLICY: 'mpi' }, 0],
    [{ XALT_START_POLICY: 'mpi', PMI_SIZE: '2' }, 1],
  ] as const) {
    const t = trackingEnv();
    run(exe, ['kill'], { env: { ...t.env, ...env }, preload: lib });
    assert.equal(startRecords(t.tmp).length, staged, JSON.stringify(env));
    assert.deepEqual(listFiles(t.spool), []);
  }
});

test('staged start record: full record in tmpdir (0600, job id in the name) while the run lives', () => {
  const exe = compile('die');
  const t = trackingEnv();
  run(exe, ['kill'], { env: { ...t.env, SLURM_JOB_ID: '555' }, preload: lib });
  const [p] = listFiles(t.tmp).filter((f) => f.includes('xalt_run.'));
  assert.ok(p);
  assert.match(p, new RegExp(`/xalt_run\\.${process.getuid!()}\\.555\\.[0-9a-f-]{36}\\.json$`));
  assert.equal(statSync(p).mode & 0o777, 0o600);
  const [staged] = startRecords(t.tmp);
  assert.equal(staged?.path, p);
  const rec = staged!.record;
  assert.equal(rec.userDT.end_time, 0);
  assert.equal(rec.userDT.exit_status, -1);
  assert.equal(rec.userT.end_reason, '');
  assert.equal(rec.userT.job_id, '555');
  assert.ok(p.includes(rec.userT.run_uuid));
});

test('parent_run_uuid comes from XALT_RUN_UUID; OMP_NUM_THREADS; XALT_TESTING_RUNTIME', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  const parent = '0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b';
  run(exe, [], { env: { ...t.env, XALT_RUN_UUID: parent, OMP_NUM_THREADS: '6', XALT_TESTING_RUNTIME: '123.5' }, preload: lib });
  const [r] = endRecords(t.tmp);
  assert.equal(r?.record.userT.parent_run_uuid, parent);
  assert.notEqual(r?.record.userT.run_uuid, parent);
  assert.equal(r?.record.userDT.num_threads, 6);
  assert.equal(r?.record.userDT.run_time, 123.5);
});

test('XALT_TRANSMISSION_STYLE: none writes nothing; any other value leaves the site transport in place (traced)', () => {
  const exe = compile('hello');
  for (const l of [lib, direct]) {
    const t = directEnv();
    const before = listFiles(t.spool).length;
    run(exe, [], { env: { ...t.env, XALT_TRANSMISSION_STYLE: 'none' }, preload: l });
    assert.deepEqual(listFiles(t.tmp), [], 'nothing staged');
    assert.equal(listFiles(t.spool).length, before, 'nothing in the spool');
  }
  const t = trackingEnv();
  const r = run(exe, [], { env: { ...t.env, XALT_TRANSMISSION_STYLE: 'file', XALT_TRACING: 'yes' }, preload: lib });
  assert.match(r.stderr, /^xalt: XALT_TRANSMISSION_STYLE=file is not used by xalt: the site's transport \(ship\) applies$/m);
  assert.equal(endRecords(t.tmp).length, 1);
  assert.deepEqual(listFiles(t.spool), [], 'a user cannot switch the site to writing the spool');
});

test('XALT_TRACING: trace lines only on stderr and only when asked', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  const quiet = run(exe, [], { env: t.env, preload: lib });
  assert.equal(quiet.stderr, 'to stderr\n');
  const loud = run(exe, [], { env: { ...t.env, XALT_TRACING: 'yes' }, preload: lib });
  assert.equal(loud.stdout, quiet.stdout);
  assert.match(loud.stderr, /^xalt: tracking .*hello run [0-9a-f-]{36}$/m);
  assert.match(loud.stderr, /^xalt: wrote .*\/xalt_run\.\d+\.none\.[0-9a-f-]{36}\.json$/m);
  const ranked = run(exe, [], { env: { ...t.env, XALT_TRACING: 'yes0', PMI_RANK: '2' }, preload: lib });
  assert.equal(ranked.stderr, 'to stderr\n');
});

test('ptA of siblings comes from the per-user cache and matches a fresh walk; another parent is walked anew', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  run('/bin/bash', ['-c', `"${exe}" 1; "${exe}" 2; true`], { env: t.env, preload: lib });
  run('/bin/sh', ['-c', `"${exe}" 3; true`], { env: t.env, preload: lib });
  const byArg = new Map(endRecords(t.tmp).map((r) => [r.record.cmdlineA[1], r.record.ptA!]));
  const [a, b, c] = [byArg.get('1')!, byArg.get('2')!, byArg.get('3')!];
  assert.deepEqual(a, b, 'siblings share the ancestry');
  assert.equal(a[0]!.cmd_name, 'bash');
  assert.deepEqual(a[0]!.cmdlineA, ['/bin/bash', '-c', `"${exe}" 1; "${exe}" 2; true`]);
  assert.equal(a[1]!.pid, process.pid);
  assert.notEqual(c[0]!.pid, a[0]!.pid);
  assert.deepEqual(c[0]!.cmdlineA, ['/bin/sh', '-c', `"${exe}" 3; true`]);
  assert.deepEqual(c.slice(1), a.slice(1), 'same ancestors above the parent');
  const cached = readFileSync(join(t.tmp, `xalt_sha1.${process.getuid!()}`, 'ptA'), 'utf8');
  assert.equal(cached.slice(cached.indexOf('\n') + 1), JSON.stringify(c), 'cache holds the last parent');
});

test('local times (file stamp, month directory, start_date, execModify) agree with date(1) in any time zone', () => {
  const exe = compile('hello');
  const zones = [undefined, ':UTC', 'America/Chicago', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'EST5EDT,M3.2.0,M11.1.0', '<+0330>-3:30'];
  for (const tz of zones) {
    const t = directEnv();
    run(exe, [], { env: { ...t.env, TZ: tz }, preload: direct });
    const [r] = endRecords(t.spool);
    assert.ok(r, `record with TZ=${tz}`);
    const sec = Math.floor(r.record.userDT.start_time);
    const frac = fileTimeStamp(r.record.userDT.start_time).slice(-4); // as src/schema computes it
    const date = (fmt: string, at: number) => execFileSync('date', ['-d', `@${at}`, fmt], { env: { ...(tz === undefined ? {} : { TZ: tz }), PATH: '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' }, encoding: 'utf8' }).trim();
    const stamp = date('+%Y_%m_%d_%H_%M_%S', sec);
    assert.equal(r.name.split('.')[2], `${stamp}_${frac}`, `stamp with TZ=${tz}`);
    assert.equal(r.path.split('/').at(-3), date('+%Y%m', sec), `month dir with TZ=${tz}`);
    assert.equal(r.record.userT.start_date, date('+%a %b %e %H:%M:%S %Y', sec), `start_date with TZ=${tz}`);
    assert.equal(r.record.userT.execModify, date('+%a %b %e %H:%M:%S %Y', Math.floor(statSync(exe).mtimeMs / 1000)), `execModify with TZ=${tz}`);
  }
});

test('a real interpreter: python3 importing C extensions has them (and their libraries) in libA', { skip: !existsSync('/usr/bin/python3') && 'python3 is not installed' }, () => {
  const t = trackingEnv();
  const code = 'import ssl, ctypes, sqlite3; print("ok")';
  const plain = run('/usr/bin/python3', ['-c', code], { env: t.env });
  const tracked = run('/usr/bin/python3', ['-c', code], { env: t.env, preload: lib });
  assert.equal(tracked.stdout, plain.stdout);
  assert.equal(tracked.status, 0);
  const [r] = endRecords(t.tmp);
  assert.ok(r);
  const libs = r.record.libA.map(([p]) => p);
  for (const want of [/\/_ssl\.[^/]*\.so$/, /\/libssl\.so\.\d/, /\/_ctypes\.[^/]*\.so$/, /\/libsqlite3\.so\.\d/]) {
    assert.ok(libs.some((p) => want.test(p)), `${want} in libA`);
  }
  assert.ok(libs.length >= 8, `many libraries (maps far beyond one 4 kB read): ${libs.length}`);
});
