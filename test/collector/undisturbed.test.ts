/**
 * "Never disturb the program": each case runs a real compiled program with and without the
 * collector and compares stdout, stderr and how it ended, then checks the records written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildLib, buildLibFromToml, compile, endRecords, listFiles, prepareSpool, run, runBoth, runRecords, scratch, startRecords, trackingEnv, withoutTrace, type RunResult } from './harness.js';

const lib = buildLib();
const direct = buildLibFromToml(); // transport "direct" 

function assertSame(plain: RunResult, tracked: RunResult, what: string): void {
  assert.equal(tracked.stdout, plain.stdout, `${what}: stdout differs`);
  assert.equal(tracked.stderr, plain.stderr, `${what}: stderr differs`);
  assert.equal(tracked.status, plain.status, `${what}: exit status differs`);
  assert.equal(tracked.signal, plain.signal, `${what}: terminating signal differs`);
}

test('return from main: output unchanged, one end record with the exit status', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  const { plain, tracked } = runBoth(exe, ['3', 'x'], lib, t.env);
  assertSame(plain, tracked, 'hello');
  const recs = endRecords(t.tmp);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.record.userDT.exit_status, 3);
  assert.equal(recs[0]!.record.userT.end_reason, 'exit');
  assert.deepEqual(recs[0]!.record.cmdlineA, [exe, '3', 'x']);
});

test('exit() from a non-main thread: status recorded', () => {
  const exe = compile('thread_exit', ['-pthread']);
  const t = trackingEnv();
  const { plain, tracked } = runBoth(exe, [], lib, t.env);
  assertSame(plain, tracked, 'thread_exit');
  assert.equal(plain.status, 7);
  const recs = endRecords(t.tmp);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.record.userDT.exit_status, 7);
});

test('fork: a child that exits records nothing, the parent one record', () => {
  const exe = compile('fork_child');
  const t = trackingEnv();
  const { plain, tracked } = runBoth(exe, [], lib, t.env);
  assertSame(plain, tracked, 'fork_child');
  const recs = endRecords(t.tmp);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.record.userDT.exit_status, 0);
});

for (const how of ['vfork', 'spawn']) {
  test(`${how === 'spawn' ? 'posix_spawn' : 'vfork+exec'}: parent and child are separate runs`, () => {
    const exe = compile('spawn');
    const child = compile('hello');
    const t = trackingEnv();
    const { plain, tracked } = runBoth(exe, [how, child], lib, t.env);
    assertSame(plain, tracked, how);
    const recs = endRecords(t.tmp);
    assert.equal(recs.length, 2);
    const byPath = new Map(recs.map((r) => [r.record.userT.exec_path, r.record]));
    assert.equal(byPath.get(child)?.userDT.exit_status, 5);
    assert.equal(byPath.get(exe)?.userDT.exit_status, 0);
    assert.notEqual(byPath.get(child)?.userT.run_uuid, byPath.get(exe)?.userT.run_uuid);
  });
}

test('exec chain: the exec-ed program is its own run; the replaced one keeps its start record', () => {
  const exe = compile('exec_chain');
  const next = compile('hello');
  const t = trackingEnv();
  const { plain, tracked } = runBoth(exe, [next], lib, t.env);
  assertSame(plain, tracked, 'exec_chain');
  const starts = startRecords(t.tmp);
  const ends = endRecords(t.tmp);
  assert.deepEqual(starts.map((r) => r.record.userT.exec_path), [exe]);
  assert.deepEqual(ends.map((r) => r.record.userT.exec_path), [next]);
  assert.notEqual(starts[0]!.record.userT.run_uuid, ends[0]!.record.userT.run_uuid);
});

for (const which of ['std', 'all']) {
  test(`program closing ${which === 'std' ? 'stdin/stdout/stderr' : 'every descriptor'}: still recorded`, () => {
    const exe = compile('close_fds');
    const t = trackingEnv();
    const { plain, tracked } = runBoth(exe, [which], lib, { ...t.env, XALT_TRACING: 'yes' });
    assert.equal(tracked.stdout, plain.stdout);
    assert.equal(tracked.status, plain.status);
    assert.equal(withoutTrace(tracked.stderr), plain.stderr);
    const recs = endRecords(t.tmp);
    assert.equal(recs.length, 1);
    assert.equal(recs[0]!.record.userDT.exit_status, 6);
  });
}

test('own signal handlers keep working, with and without XALT_SIGNAL_HANDLER', () => {
  const exe = compile('own_signal');
  for (const sh of ['no', 'yes', 'all']) {
    for (const sig of ['usr1', 'term']) {
      const t = trackingEnv();
      const { plain, tracked } = runBoth(exe, [sig], lib, { ...t.env, XALT_SIGNAL_HANDLER: sh });
      assertSame(plain, tracked, `own_signal ${sig} handler=${sh}`);
      assert.equal(plain.stdout, 'caught 1\n');
      const recs = endRecords(t.tmp);
      assert.equal(recs.length, 1);
      assert.equal(recs[0]!.record.userT.end_reason, 'exit');
    }
  }
});

test('changing HOME, USER, cwd and clearing the environment: record still written with start values', () => {
  const exe = compile('env_change');
  const t = trackingEnv();
  const cwd = scratch('cwd');
  const { plain, tracked } = runBoth(exe, [], lib, t.env, cwd);
  assertSame(plain, tracked, 'env_change');
  const recs = endRecords(t.tmp);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.record.userT.user, 'tester');
  assert.equal(recs[0]!.record.userT.cwd, cwd);
});

for (const [how, handler] of [['_exit', 'yes'], ['kill', 'yes'], ['term', 'yes'], ['abort', 'no'], ['segv', 'no']] as const) {
  test(`program ending by ${how} (signal handler ${handler}): ends the same way; no end record, the start record left in staging`, () => {
    const exe = compile('die');
    const t = trackingEnv();
    const { plain, tracked } = runBoth(exe, [how], lib, { ...t.env, XALT_SIGNAL_HANDLER: handler });
    assertSame(plain, tracked, how);
    assert.equal(endRecords(t.tmp).length, 0);
    const staged = startRecords(t.tmp);
    assert.equal(staged.length, 1, `start record in ${t.tmp}`);
    assert.match(staged[0]!.name, /^xalt_run\.\d+\.none\.[0-9a-f-]{36}\.json$/);
  });
}

test('XALT_SIGNAL_HANDLER=all: a SIGTERM death is recorded with the signal and the process still dies by it', () => {
  const exe = compile('die');
  const t = trackingEnv();
  const { plain, tracked } = runBoth(exe, ['term'], lib, { ...t.env, XALT_SIGNAL_HANDLER: 'all' });
  assertSame(plain, tracked, 'term');
  assert.equal(tracked.signal, 'SIGTERM');
  const recs = runRecords(t.tmp);
  assert.equal(recs.length, 1, 'the end record replaced the start record');
  assert.equal(recs[0]!.record.userT.end_reason, 'signal');
  assert.equal(recs[0]!.record.userDT.signal, 15);
});

test('errno seen by main and after a failing call is unchanged', () => {
  const exe = compile('errno_main');
  const t = trackingEnv();
  const { plain, tracked } = runBoth(exe, [], lib, t.env);
  assertSame(plain, tracked, 'errno');
  assert.equal(endRecords(t.tmp).length, 1);
});

test('100,000 arguments: unchanged output, record holds every argument', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  const args = Array.from({ length: 100_000 }, (_, i) => `a${i}`);
  const { plain, tracked } = runBoth(exe, args, lib, t.env);
  assertSame(plain, tracked, '100k args');
  const recs = endRecords(t.tmp);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.record.cmdlineA.length, 100_001);
  assert.equal(recs[0]!.record.cmdlineA[100_000], 'a99999');
});

test('non-UTF-8 and control characters in arguments: record stays valid JSON, bytes kept as \\u00XX', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  // spawn passes strings as UTF-8, so hand the raw bytes over through a shell variable
  const sh = `exec "$0" 0 "$(printf 'f\\377\\376"\\\\\\n\\001\\303\\251')"`;
  const { plain, tracked } = runBoth('/bin/sh', ['-c', sh, exe], lib, t.env);
  assertSame(plain, tracked, 'non-utf8');
  const recs = endRecords(t.tmp);
  assert.equal(recs.length, 1);
  const arg = recs[0]!.record.cmdlineA[2]!;
  assert.equal(arg, 'f\u00ff\u00fe"\\\n\u0001é');
  assert.ok(recs[0]!.text.includes('"f\\u00ff\\u00fe\\"\\\\\\n\\u0001é"'), 'escaped as the contract says');
});

test('unwritable staging or spool (a file where the directory should be): program undisturbed, nothing written', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  const notDir = join(t.spool, 'file');
  writeFileSync(notDir, 'x');
  for (const [l, env] of [[lib, { XALT_TMPDIR: notDir }], [direct, { XALT_FILE_PREFIX: notDir }]] as const) {
    const { plain, tracked } = runBoth(exe, ['2'], l, { ...t.env, ...env });
    assertSame(plain, tracked, `unwritable ${JSON.stringify(env)}`);
    assert.deepEqual(listFiles(t.spool), [notDir]);
  }
});

test('full staging or spool (file size limit 0): program undisturbed, no partial record left', () => {
  const exe = compile('hello');
  const t = trackingEnv();
  prepareSpool(t.spool);
  const sh = `ulimit -f 0; exec "$0" 4`;
  for (const l of [lib, direct]) {
    const { plain, tracked } = runBoth('/bin/sh', ['-c', sh, exe], l, t.env);
    assertSame(plain, tracked, 'full spool');
    assert.equal(tracked.status, 4);
    assert.deepEqual([...listFiles(t.spool), ...listFiles(t.tmp)].filter((p) => p.endsWith('.json') || p.endsWith('.new')), []);
  }
});

test('lsof with XALT_TRACING=yes: no crash, same output, recorded', { skip: !existsSync('/usr/bin/lsof') && 'lsof is not installed' }, () => {
  const t = trackingEnv();
  const env = { ...t.env, XALT_TRACING: 'yes' };
  const args = ['-a', '-p', '1', '-d', 'cwd', '-Fn'];
  // a copy outside /usr/bin: the site config (rightly) skips system tools
  const lsof = join(scratch('lsof'), 'lsof');
  copyFileSync('/usr/bin/lsof', lsof);
  chmodSync(lsof, 0o755);
  const { plain, tracked } = runBoth(lsof, args, lib, env);
  assert.equal(tracked.status, plain.status);
  assert.equal(tracked.signal, null);
  assert.equal(tracked.stdout, plain.stdout);
  assert.equal(withoutTrace(tracked.stderr), plain.stderr);
  assert.ok(tracked.stderr.split('\n').some((l) => l.startsWith(`xalt: tracking ${lsof}`)), tracked.stderr);
  assert.equal(endRecords(t.tmp).length, 1);
});

test('collector loaded twice (preloaded and linked in): one record', { skip: lib.includes(' ') && 'a sanitizer runtime is preloaded: a linked-in sanitized copy cannot load without it' }, () => {
  const dir = scratch('twice');
  mkdirSync(join(dir, 'lib'));
  copyFileSync(lib.split(' ').at(-1)!, join(dir, 'lib/libxalt.so')); // the collector itself, not a sanitizer runtime listed before it
  const exe = compile('hello', ['-L', join(dir, 'lib'), '-Wl,--no-as-needed', '-lxalt', `-Wl,-rpath,${join(dir, 'lib')}`], 'hello_linked');
  const alone = trackingEnv();
  const both = trackingEnv();
  const plain = run(exe, ['1'], { env: alone.env });
  const tracked = run(exe, ['1'], { env: both.env, preload: lib });
  assert.equal(plain.status, 1);
  assertSame(plain, tracked, 'twice');
  assert.equal(endRecords(alone.tmp).length, 1, 'the linked copy alone tracks');
  assert.equal(runRecords(both.tmp).length, 1, 'preloaded + linked: still one record');
});

test('shells and xalt helper programs are not tracked by default, their children are', () => {
  const exe = compile('hello');
  const helperDir = scratch('helper');
  const helper = join(helperDir, 'xalt_helper');
  copyFileSync(exe, helper);
  chmodSync(helper, 0o755);
  const t = trackingEnv();
  const r = run('/bin/bash', ['-c', `"${exe}" 0; "${helper}" 0; true`], { env: t.env, preload: lib });
  assert.equal(r.status, 0);
  const recs = endRecords(t.tmp);
  assert.deepEqual(recs.map((x) => x.record.userT.exec_path), [exe]);
});

test('static binary: the preload does not apply; output unchanged, nothing recorded', () => {
  const exe = compile('hello', ['-static'], 'hello_static');
  const t = trackingEnv();
  const { plain, tracked } = runBoth(exe, ['2'], lib, t.env);
  assertSame(plain, tracked, 'static');
  assert.equal(runRecords(t.tmp).length, 0);
});

test('XALT_EXECUTABLE_TRACKING=no (or unset): nothing written, nothing printed, environment untouched', () => {
  const t = trackingEnv();
  for (const v of ['no', undefined, 'YES']) {
    const r = run('/usr/bin/env', [], { env: { ...t.env, XALT_EXECUTABLE_TRACKING: v, XALT_TRACING: 'yes' }, preload: lib });
    const p = run('/usr/bin/env', [], { env: { ...t.env, XALT_EXECUTABLE_TRACKING: v, XALT_TRACING: 'yes' } });
    assert.equal(r.stdout.replace(/^LD_PRELOAD=.*\n/m, ''), p.stdout);
    assert.equal(r.stderr, '');
  }
  assert.deepEqual([...listFiles(t.spool), ...listFiles(t.tmp)], []);
});

test('hostile or broken settings never disturb the program and never produce an invalid record', () => {
  const exe = compile('hello');
  const cases: Record<string, string | undefined>[] = [
    { XALT_TMPDIR: '/nonexistent/dir', XALT_START_POLICY: 'staged' },
    { XALT_COMM_WORLD_SIZE: '-5', XALT_MPI_ALWAYS_RECORD: 'x' },
    { XALT_TESTING_RUNTIME: 'nan', XALT_SAMPLING: 'yes' },
    { USER: '../../etc', HOME: undefined },
    { TZ: '../../../etc/passwd' },
    { XALT_START_POLICY: 'bogus', XALT_ALWAYS_CREATE_START: 'maybe', XALT_SIGNAL_HANDLER: 'perhaps' },
    { XALT_RUN_UUID: 'not-a-uuid', OMP_NUM_THREADS: '-3', SLURM_JOB_ID: 'a/b/../c', SLURM_NNODES: 'many' },
  ];
  for (const extra of cases) {
    const t = trackingEnv();
    const env = { ...t.env, ...extra };
    const { plain, tracked } = runBoth(exe, ['3'], lib, env);
    assertSame(plain, tracked, JSON.stringify(extra));
    for (const r of runRecords(t.tmp)) {
      assert.ok(!r.record.userT.user.includes('/'), 'user is safe in a file name');
      assert.ok((r.record.userDT.num_tasks ?? 0) >= 1 && (r.record.userDT.num_threads ?? 0) >= 1);
      assert.equal(r.record.userT.parent_run_uuid, '');
    }
    assert.deepEqual(listFiles(t.spool), []);
    assert.ok(listFiles(t.tmp).every((p) => !p.endsWith('.new')));
  }
});

test('make symbols: the library exports nothing but _Exit (link tracking)', () => {
  const out = run('make', ['-s', '-C', join(ROOT, 'native'), 'symbols']);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /symbols: ok \(_Exit \)/); // _Exit: link tracking (src/linker.c)
});

test('another library constructor that forks: recorded once; one that ends the program: undisturbed, unseen', () => {
  const dir = scratch('ctorlib');
  execFileSync('cc', ['-shared', '-fPIC', '-o', join(dir, 'libctor.so'), join(ROOT, 'test/collector/snippets/ctor_lib.c')]);
  const exe = compile('hello', ['-L', dir, '-Wl,--no-as-needed', '-lctor', `-Wl,-rpath,${dir}`], 'hello_ctor');
  // The dynamic loader runs the program's libraries' constructors before a preloaded
  // library's, so a program that exits inside one has ended before the collector starts.
  for (const [env, status, records] of [[{}, 2, 1], [{ CTOR_EXIT: '1' }, 9, 0]] as const) {
    const t = trackingEnv();
    const { plain, tracked } = runBoth(exe, ['2'], lib, { ...t.env, ...env });
    assertSame(plain, tracked, JSON.stringify(env));
    assert.equal(plain.status, status);
    const recs = endRecords(t.tmp);
    assert.equal(recs.length, records);
    if (records) assert.equal(recs[0]!.record.userDT.exit_status, status);
  }
});

