/**
 * The default signal handler (issue 12): a program that dies by a synchronous fatal signal
 * — a real fault or its own raise — dies exactly as without the collector (the raw wait
 * status, core-dump bit included, printed by a small waiter) and its end record names the
 * signal. Handlers the program or its libraries install keep working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildLib, compile, endRecords, run, runRecords, scratch, startRecords, trackingEnv } from './harness.js';

const lib = buildLib();
const crash = compile('crash');
const waitstatus = compile('waitstatus');

/** How `prog args` ends, seen by its parent: stdout and stderr, then "status 0x…" (raw wait status). */
function ending(prog: string, args: string[], env: Record<string, string | undefined>, o: { preload?: boolean; core?: string; cwd?: string } = {}) {
  const r = run(waitstatus, [o.core ?? '0', prog, ...args], { env: { ...env, CHILD_PRELOAD: o.preload ? lib : undefined }, cwd: o.cwd });
  assert.equal(r.status, 0, r.stderr);
  return { stdout: r.stdout, stderr: r.stderr };
}

const FATAL = [
  ['segv', 11],
  ['bus', 7],
  ['ill', 4],
  ['fpe', 8],
  ['abrt', 6],
  ['trap', 5],
  ['sys', 31],
] as const;

test('a program killed by SEGV, BUS, ILL, FPE, ABRT, TRAP or SYS: same wait status; the end record names the signal', () => {
  for (const [how, sig] of FATAL) {
    const t = trackingEnv();
    const plain = ending(crash, [how], t.env);
    const tracked = ending(crash, [how], t.env, { preload: true });
    assert.deepEqual(tracked, plain, how);
    assert.match(plain.stdout, new RegExp(`status 0x${sig.toString(16)}\\n$`), `${how}: killed by signal ${sig}, no core`);
    const recs = runRecords(t.tmp);
    assert.equal(recs.length, 1, `${how}: one run file, the end record over the start record`);
    const r = recs[0]!.record;
    assert.equal(r.userT.end_reason, 'signal', how);
    assert.equal(r.userDT.signal, sig, how);
    assert.equal(r.userDT.exit_status, -1, how);
    assert.ok(r.userDT.end_time >= r.userDT.start_time, how);
  }
});

test('core dumps happen as without the collector (core-dump bit and core file)', () => {
  for (const how of ['segv', 'abrt']) {
    const t = trackingEnv();
    const [a, b] = [scratch('core'), scratch('core')];
    const plain = ending(crash, [how], t.env, { core: 'unlimited', cwd: a });
    const tracked = ending(crash, [how], t.env, { core: 'unlimited', cwd: b, preload: true });
    assert.deepEqual(tracked, plain, how);
    const status = parseInt(/status 0x([0-9a-f]+)/.exec(plain.stdout)![1]!, 16);
    assert.equal(status & 0x80, 0x80, `${how}: the kernel dumped core`);
    for (const dir of [a, b]) assert.ok(readdirSync(dir).some((f) => f.startsWith('core')), `a core file in ${dir}`);
    assert.equal(endRecords(t.tmp)[0]?.record.userT.end_reason, 'signal');
  }
});

test('XALT_SIGNAL_HANDLER=no: same ending, no end record, the start record left for the epilog', () => {
  for (const [how] of FATAL.slice(0, 5)) {
    const t = trackingEnv();
    const env = { ...t.env, XALT_SIGNAL_HANDLER: 'no' };
    assert.deepEqual(ending(crash, [how], env, { preload: true }), ending(crash, [how], env), how);
    assert.equal(endRecords(t.tmp).length, 0, how);
    assert.equal(startRecords(t.tmp).length, 1, how);
  }
});

test('a SIGSEGV handler the program installs replaces ours: exit from it, or restore the default and die', () => {
  for (const [how, end] of [['own-exit', 'exit'], ['own-dfl', '']] as const) {
    const t = trackingEnv();
    const plain = ending(crash, [how], t.env);
    assert.deepEqual(ending(crash, [how], t.env, { preload: true }), plain, how);
    assert.match(plain.stdout, /own handler/);
    const [r] = runRecords(t.tmp);
    assert.equal(r?.record.userT.end_reason, end, how);
    if (end) assert.equal(r?.record.userDT.exit_status, 42);
  }
});

test('a handler a library installed before ours is called as the kernel would: it may repair the fault, exit or let it kill', () => {
  const dir = scratch('siglib');
  execFileSync('cc', ['-shared', '-fPIC', '-o', join(dir, 'libsig.so'), join(ROOT, 'test/collector/snippets/sig_lib.c')]);
  const prog = compile('crash', ['-L', dir, '-Wl,--no-as-needed', '-lsig', `-Wl,-rpath,${dir}`], 'crash_siglib');
  for (const [mode, status, end] of [['fix', '0x0', 'exit'], ['exit', '0x300', ''], ['dfl', '0xb', '']] as const) {
    const t = trackingEnv();
    const env = { ...t.env, SIGLIB_MODE: mode };
    const plain = ending(prog, ['protect'], env);
    assert.deepEqual(ending(prog, ['protect'], env, { preload: true }), plain, mode);
    assert.equal(plain.stderr, 'lib handler\n', mode);
    assert.match(plain.stdout, new RegExp(`status ${status}\\n$`), mode);
    const [r] = runRecords(t.tmp);
    assert.equal(r?.record.userT.end_reason, end, mode);
    if (mode === 'fix') assert.match(plain.stdout, /recovered/);
  }
});

test('a signal ignored when the program starts stays ignored', () => {
  const t = trackingEnv();
  const env = { ...t.env, CHILD_IGNORE: '31' }; // SIGSYS: raise() then does nothing
  const plain = ending(crash, ['sys'], env);
  assert.deepEqual(ending(crash, ['sys'], env, { preload: true }), plain);
  assert.match(plain.stdout, /status 0x0\n$/);
  assert.equal(endRecords(t.tmp)[0]?.record.userDT.exit_status, 0);
});
