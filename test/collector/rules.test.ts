/**
 * Decisions that need compiled rules (host, path, path+argument, environment allow-list,
 * sampling tables, syshost): the collector is built against the hand-written rule table in
 * fixtures/site-config-rules.c, so these run whether or not the config compiler has landed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { HELPERS, SHELLS } from '../../src/config/builtin-rules.js';
import { fileTimeStamp, pkgFileName, parseRecordFileName, recordDir } from '../../src/schema/spool-layout.js';
import { RULES_CONFIG, buildLib, compile, endRecords, listFiles, prepareSpool, run, runRecords, scratch, trackingEnv } from './harness.js';

const lib = buildLib(RULES_CONFIG);
const direct = buildLib(RULES_CONFIG, '-DTEST_TRANSPORT=XALT_TRANSPORT_DIRECT');
const dir = scratch('rules');

/** The hello snippet copied under another name (the path rules look at the name). */
function named(name: string, snippet = 'hello'): string {
  const p = join(dir, name);
  if (!existsSync(p)) copyFileSync(compile(snippet), p);
  return p;
}

test('path rule SKIP: not tracked; no rule: tracked, syshost from the compiled rule', () => {
  const t = trackingEnv();
  run(named('skipme'), [], { env: t.env, preload: lib });
  assert.equal(runRecords(t.tmp).length, 0);
  run(named('plainprog'), [], { env: t.env, preload: lib });
  const recs = endRecords(t.tmp);
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.record.userT.syshost, 'testcluster');
  assert.equal(recs[0]!.record.XALT_qaT?.['XALT_CONFIG_FINGERPRINT'], 'test-rules');
});

test('shells and xalt\'s helpers are never tracked, even by a rule table without the built-in head rules', () => {
  // The fixture table has no shell rules: the collector's own list (generated from builtin-rules.ts) decides.
  for (const name of [...SHELLS, ...HELPERS, 'xalt', 'xalt_anything', 'xalt-ship']) {
    const t = trackingEnv();
    run(named(name), [], { env: t.env, preload: lib });
    assert.equal(runRecords(t.tmp).length, 0, `${name} was tracked`);
  }
  const t = trackingEnv();
  run(named('kshell'), [], { env: t.env, preload: lib });
  assert.equal(runRecords(t.tmp).length, 1, 'a name that only contains a shell\'s is tracked');
});

test('host rule SKIP: nothing tracked on that host', () => {
  const skipHost = buildLib(RULES_CONFIG, `-DTEST_SKIP_HOST=\\"${hostname()}\\"`);
  const t = trackingEnv();
  run(named('plainprog'), [], { env: t.env, preload: skipHost });
  assert.equal(runRecords(t.tmp).length, 0);
});

test('CUSTOM paths are decided by their arguments (JUMP_1 skips an option value, missing files are ignored)', () => {
  const data = scratch('data');
  writeFileSync(join(data, 'keep.txt'), '');
  writeFileSync(join(data, 'other'), '');
  const cases: [string[], boolean][] = [
    [[join(data, 'keep.txt')], true],
    [['-x', join(data, 'keep.txt')], true],
    [['-m', join(data, 'keep.txt')], false],
    [[join(data, 'other')], false],
    [[join(data, 'missing', 'keep.txt')], false],
    [[], false],
  ];
  for (const [args, tracked] of cases) {
    const t = trackingEnv();
    run(named('customme'), args, { env: t.env, preload: lib });
    assert.equal(runRecords(t.tmp).length, tracked ? 1 : 0, `customme ${args.join(' ')}`);
  }
});

test('environment allow-list: only variables the rules keep are in envT', () => {
  const t = trackingEnv();
  run(named('plainprog'), [], { env: { ...t.env, XALT_TEST_KEEP_A: 'one "quoted"', SECRET_TOKEN: 'x' }, preload: lib });
  const [r] = endRecords(t.tmp);
  assert.deepEqual(r?.record.envT, { XALT_TEST_KEEP_A: 'one "quoted"' });
});

test('PKGS run (transport ship): variables exported; the staged packages are left in staging for xalt-ship', () => {
  const exe = named('pkgsme', 'pkg_hook');
  const t = trackingEnv();
  const r = run(exe, [], { env: { ...t.env, XALT_RUN_UUID: '0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b' }, preload: lib });
  const out = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));
  const [run0] = endRecords(t.tmp);
  assert.ok(run0);
  const u = run0.record.userT;
  assert.equal(out['uuid'], u.run_uuid);
  assert.equal(u.parent_run_uuid, '0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b');
  const staging = out['staging']!;
  assert.equal(staging, join(t.tmp, `xalt_pkg.${process.getuid!()}.none.${u.run_uuid}.${staging.split('.')[4]}.testcluster.${out['date']}.tester.jsonl`));
  assert.match(staging.split('.')[4]!, /^\d+$/, 'the pid of the run');
  assert.equal(out['date'], fileTimeStamp(run0.record.userDT.start_time));
  assert.equal(readFileSync(staging, 'utf8').split('\n').filter(Boolean).length, 3, 'left for xalt-ship, as the hook wrote it');
  assert.deepEqual(listFiles(t.spool), []);
});

test('PKGS run (transport direct): packages published beside the run under SHA-1(run uuid, package name); staging removed', () => {
  const exe = named('pkgsme', 'pkg_hook');
  const t = trackingEnv();
  prepareSpool(t.spool);
  const r = run(exe, [], { env: { ...t.env, XALT_FILE_PREFIX: t.spool }, preload: direct });
  const staging = r.stdout.match(/^staging=(.*)$/m)![1]!;
  const [run0] = endRecords(t.spool);
  assert.ok(run0);
  const u = run0.record.userT;
  assert.equal(existsSync(staging), false, 'staging file unlinked');
  const pkgs = listFiles(t.spool).filter((p) => p.includes('/pkg.'));
  assert.equal(pkgs.length, 3);
  const names: string[] = [];
  for (const p of pkgs) {
    assert.equal(dirname(p), dirname(run0.path), 'beside the run record');
    const name = p.slice(p.lastIndexOf('/') + 1);
    const pkg = JSON.parse(readFileSync(p, 'utf8')).package_name as string;
    names.push(pkg);
    const uniq = createHash('sha1').update(`${u.run_uuid}\n${pkg}`).digest('hex').slice(0, 12);
    assert.equal(name, pkgFileName('testcluster', run0.record.userDT.start_time, 'tester', u.run_uuid, uniq), pkg);
    assert.equal(statSync(p).mode & 0o777, 0o600);
  }
  assert.deepEqual(names.sort(), ['na\u00efve"x', 'numpy', 'scipy']);
});

test('sampling as XALT: short runs dropped at p=0 (run and pkg staging files removed), long ones kept with p stored, MPI at threshold exempt', () => {
  const exe = named('pkgsme', 'pkg_hook');
  const t = trackingEnv();
  const env = { ...t.env, XALT_SAMPLING: 'yes', XALT_START_POLICY: 'staged' };
  run(exe, [], { env, preload: lib });
  assert.equal(runRecords(t.tmp).length, 0, 'the staged start record is removed');
  assert.deepEqual(listFiles(t.tmp).filter((p) => p.includes('xalt_pkg.')), [], 'sampled-out run leaves no staging file');
  run(exe, [], { env: { ...env, XALT_TESTING_RUNTIME: '100' }, preload: lib });
  const kept = endRecords(t.tmp);
  assert.equal(kept.length, 1);
  assert.equal(kept[0]!.record.userDT.probability, 1);
  const off = trackingEnv();
  run(exe, [], { env: { ...off.env, XALT_SAMPLING: 'no' }, preload: lib });
  run(exe, [], { env: { ...off.env, XALT_SAMPLING: 'yes', PMI_SIZE: '2' }, preload: lib });
  assert.equal(endRecords(off.tmp).length, 2);
});

test('programs under the configured install_dir are never tracked', { skip: process.getuid!() !== 0 && 'needs root to create /opt/xalt-test-install' }, () => {
  const inst = '/opt/xalt-test-install/bin';
  mkdirSync(inst, { recursive: true });
  process.on('exit', () => rmSync('/opt/xalt-test-install', { recursive: true, force: true }));
  const exe = join(inst, 'tool');
  copyFileSync(compile('hello'), exe);
  const t = trackingEnv();
  run(exe, [], { env: t.env, preload: lib });
  assert.equal(runRecords(t.tmp).length, 0);
});

test('spool layouts hash and flat (transport direct) put records where src/schema/spool-layout.ts says', () => {
  for (const [macro, layout] of [['XALT_LAYOUT_HASH', 'hash'], ['XALT_LAYOUT_FLAT', 'flat']] as const) {
    const variant = buildLib(RULES_CONFIG, `-DTEST_LAYOUT=${macro} -DTEST_TRANSPORT=XALT_TRANSPORT_DIRECT`);
    const t = trackingEnv();
    if (layout === 'hash') for (let i = 0; i < 997; i++) mkdirSync(join(t.spool, String(i).padStart(3, '0')), { mode: 0o1777 });
    run(named('plainprog'), [], { env: t.env, preload: variant });
    const [r] = endRecords(t.spool);
    assert.ok(r, layout);
    const rel = recordDir(layout, r.record.userDT.start_time, r.record.userT.run_uuid);
    assert.equal(dirname(r.path), rel ? join(t.spool, rel) : t.spool, layout);
  }
});

test('syshost rules: environment variable, file, n-th name component', () => {
  const file = join(scratch('syshost'), 'name');
  writeFileSync(file, 'frontera\nignored\n');
  const cases: [string, Record<string, string>, string][] = [
    ['-DTEST_SYSHOST_KIND=XALT_SYSHOST_ENV_VAR -DTEST_SYSHOST_ARG=\\"MY_CLUSTER\\"', { MY_CLUSTER: 'delta' }, 'delta'],
    ['-DTEST_SYSHOST_KIND=XALT_SYSHOST_ENV_VAR -DTEST_SYSHOST_ARG=\\"MY_CLUSTER\\"', {}, 'unknown'],
    [`-DTEST_SYSHOST_KIND=XALT_SYSHOST_READ_FILE -DTEST_SYSHOST_ARG=\\"${file}\\"`, {}, 'frontera'],
    ['-DTEST_SYSHOST_KIND=XALT_SYSHOST_NTH_NAME -DTEST_SYSHOST_NTH=1', {}, hostname().split('.')[0]!.replace(/\//g, '_')],
  ];
  for (const [flags, env, want] of cases) {
    const variant = buildLib(RULES_CONFIG, `${flags} -DTEST_TRANSPORT=XALT_TRANSPORT_DIRECT`);
    const t = trackingEnv();
    prepareSpool(t.spool);
    run(named('plainprog'), [], { env: { ...t.env, ...env }, preload: variant });
    const [r] = endRecords(t.spool);
    assert.equal(r?.record.userT.syshost, want, flags);
    assert.equal(parseRecordFileName(r!.name)?.syshost, want);
  }
});

test('a symlink or FIFO planted at the pkg staging path is not followed (transport direct: nothing published, the plant removed)', () => {
  const exe = named('pkgsme', 'pkg_hook');
  const t = trackingEnv();
  prepareSpool(t.spool);
  const target = join(scratch('victim'), 'lines');
  writeFileSync(target, '{"crc":"0x0000","program":"python","xalt_run_uuid":"x","package_name":"evil"}\n');
  const r = run(exe, [target], { env: t.env, preload: direct });
  assert.equal(r.status, 0);
  assert.equal(endRecords(t.spool).length, 1);
  assert.deepEqual(listFiles(t.spool).filter((p) => p.includes('/pkg.')), []);
  assert.equal(readFileSync(target, 'utf8').includes('evil'), true, 'target untouched');
  assert.deepEqual(listFiles(t.tmp).filter((p) => p.includes('xalt_pkg.')), []);
  const fifo = run(exe, ['fifo'], { env: t.env, preload: direct }); // (a blocking open would hang the exit)
  assert.equal(fifo.status, 0);
  assert.equal(endRecords(t.spool).length, 2);
  assert.deepEqual(listFiles(t.spool).filter((p) => p.includes('/pkg.')), []);
  assert.deepEqual(listFiles(t.tmp).filter((p) => p.includes('xalt_pkg.')), []);
});

test('XALT_TRACING=run: quiet for skipped programs, traces tracked ones', () => {
  const t = trackingEnv();
  const env = { ...t.env, XALT_TRACING: 'run' };
  assert.equal(run(named('skipme'), [], { env, preload: lib }).stderr, 'to stderr\n');
  assert.match(run(named('plainprog'), [], { env, preload: lib }).stderr, /^xalt: tracking /m);
});
