/**
 * `xalt epilog` against what real killed Python runs leave behind: it publishes exactly
 * that job's records, owned by the job's user, closes its runs, refuses what is not the
 * job's, loses nothing on bad input, and can be run again without changing anything.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { verifyRecordCrc } from '../../src/schema/crc16.js';
import { serializeRecord } from '../../src/schema/serialize.js';
import { hashDir, monthDir, parseRecordFileName } from '../../src/schema/spool-layout.js';
import { validatePkg, validateRun } from '../../src/schema/validate.js';
import { cleanup, fakeRun, filesStarting, HOOK_DIR, runAndKill, scratch, stagedLines, startPath, startRecordText, tempDir, tree, writeOwned, writeSite, xalt, type FakeRun } from './helpers.js';

const UID = 4242; // the job's user (tests run as root, like Slurm's epilog)
const OTHER_UID = 4343;

let dir: string;
let site: string;

before(() => {
  dir = scratch('epilog');
  site = join(dir, 'site');
  writeSite(site, [
    { name: 'alpha', version: '1.2.3', packages: ['alpha'] },
    { name: 'Beta-Dist', version: '4.5.0', packages: ['beta_mod'] },
    { name: 'Theta-Tools', version: '2.2', packages: ['thetamod'], topLevelTxt: false, record: true },
  ]);
});
after(() => cleanup(dir));

/** A world-writable sticky tmpdir and spool, as on a node. */
function node(t: { after(fn: () => void): void }): { tmp: string; spool: string } {
  const base = tempDir(t, 'node');
  const tmp = join(base, 'shm');
  const spool = join(base, 'spool');
  for (const d of [tmp, spool]) {
    mkdirSync(d);
    chmodSync(d, 0o1777);
  }
  return { tmp, spool };
}

function epilog(n: { tmp: string; spool: string }, job: string, extra: string[] = [], env: Record<string, string> = {}) {
  return xalt(['epilog', '--tmpdir', n.tmp, '--spool', n.spool, ...extra], { env: { SLURM_JOB_ID: job, SLURM_JOB_UID: String(UID), SLURM_JOB_USER: 'alice', ...env } });
}

/** Every record file of the spool with its parsed name and text. */
function spoolFiles(spool: string) {
  return tree(spool).map((rel) => ({ rel, name: parseRecordFileName(basename(rel)), text: readFileSync(join(spool, rel), 'utf8'), st: statSync(join(spool, rel)) }));
}

/** Kill a Python of job `jobId` mid-run with `signal`; stage its start record like the collector. */
async function killedRun(n: { tmp: string }, jobId: string, signal: NodeJS.Signals): Promise<FakeRun> {
  const run = fakeRun(n.tmp, { uid: UID, jobId });
  await runAndKill(run, 'import alpha, beta_mod, thetamod, time\nprint("ready", flush=True)\ntime.sleep(60)', signal, { pythonPath: [HOOK_DIR, site], uid: UID, gid: UID });
  writeOwned(startPath(run), startRecordText(run), UID);
  return run;
}

test('after SIGKILL and SIGTERM, the epilog publishes exactly that job\'s records, owned by its user, and closes its runs', async (t) => {
  const n = node(t);
  const killed = await killedRun(n, '42', 'SIGKILL');
  const termed = await killedRun(n, '42', 'SIGTERM');
  const otherJob = await killedRun(n, '43', 'SIGKILL'); // same user, same node, still running
  const otherBefore = filesStarting(n.tmp, `xalt_pkg.${UID}.43.`).concat(filesStarting(n.tmp, `xalt_start.${UID}.43.`));
  const otherTexts = otherBefore.map((f) => readFileSync(join(n.tmp, f), 'utf8'));
  assert.equal(otherBefore.length, 2);

  const before = Date.now() / 1000;
  const r = epilog(n, '42');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /job 42 \(alice\): 6 pkg records from 2 staging files, 2 start records, 2 runs closed; 0 files refused, 0 errors/);

  const files = spoolFiles(n.spool);
  assert.equal(files.length, 10); // per run: 3 pkg + aaa + zzz
  for (const f of files) {
    assert.ok(f.name, `${f.rel} is a record file name`);
    assert.equal(f.st.uid, UID, `${f.rel} belongs to the job's user`);
    assert.equal(f.st.mode & 0o777, 0o600);
    assert.equal(verifyRecordCrc(f.text), true);
  }
  for (const run of [killed, termed]) {
    const mine = files.filter((f) => f.name!.uuid === run.runUuid);
    const dirOf = `${monthDir(run.startEpoch)}/${hashDir(run.runUuid)}`;
    assert.ok(mine.every((f) => f.rel.startsWith(`${dirOf}/`)), 'records land beside their run');
    const pkgs = mine.filter((f) => f.name!.kind === 'pkg').map((f) => validatePkg(JSON.parse(f.text)));
    assert.deepEqual(pkgs.map((p) => p.issues), [[], [], []]);
    // Killed before exit, the hook never filled in versions; the epilog found them beside the packages.
    assert.deepEqual(pkgs.map((p) => [p.record!.package_name, p.record!.package_version]).sort(), [['alpha', '1.2.3'], ['beta_mod', '4.5.0'], ['thetamod', '2.2']]);
    const aaa = mine.find((f) => f.name!.isStart === true)!;
    assert.equal(aaa.text, startRecordText(run));
    const zzz = validateRun(JSON.parse(mine.find((f) => f.name!.isStart === false)!.text));
    assert.deepEqual(zzz.issues, []);
    const end = zzz.record!;
    assert.equal(end.userT.end_reason, 'job_end');
    assert.equal(end.userT.run_uuid, run.runUuid);
    assert.equal(end.userDT.exit_status, -1);
    assert.ok(end.userDT.end_time >= Math.floor(before) && end.userDT.end_time <= Date.now() / 1000 + 1);
    assert.ok(Math.abs(end.userDT.run_time - (end.userDT.end_time - run.startEpoch)) < 0.001);
  }
  // Job 42's staging is gone; job 43's is exactly as it was.
  assert.deepEqual(filesStarting(n.tmp, `xalt_pkg.${UID}.42.`).concat(filesStarting(n.tmp, `xalt_start.${UID}.42.`)), []);
  assert.deepEqual(otherBefore.map((f) => readFileSync(join(n.tmp, f), 'utf8')), otherTexts);
  assert.ok(files.every((f) => f.name!.uuid !== otherJob.runUuid));
});

test('running it again changes nothing, even when the staging files are still there', async (t) => {
  const n = node(t);
  const run = await killedRun(n, '42', 'SIGKILL');
  const staged = [...filesStarting(n.tmp, 'xalt_pkg.'), ...filesStarting(n.tmp, 'xalt_start.')].map((f) => [f, readFileSync(join(n.tmp, f), 'utf8')] as const);
  assert.equal(epilog(n, '42').status, 0);
  const first = spoolFiles(n.spool).map((f) => [f.rel, f.text]);

  const again = epilog(n, '42');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /0 pkg records from 0 staging files, 0 start records/);
  assert.deepEqual(spoolFiles(n.spool).map((f) => [f.rel, f.text]), first);

  // An epilog interrupted before it removed the staging: the rerun replaces, never duplicates,
  // and keeps the end time it wrote first.
  for (const [f, text] of staged) writeOwned(join(n.tmp, f), text, UID);
  const third = epilog(n, '42');
  assert.equal(third.status, 0, third.stderr);
  assert.deepEqual(spoolFiles(n.spool).map((f) => [f.rel, f.text]), first);
  assert.ok(first.some(([rel]) => rel!.includes(run.runUuid)));
});

test("symlinks and files not owned by the job's user are refused and left alone", (t) => {
  const n = node(t);
  const run = fakeRun(n.tmp, { uid: UID, jobId: '42' });
  const victim = join(dir, 'root-secret.json');
  writeFileSync(victim, startRecordText(run), { mode: 0o600 });
  symlinkSync(victim, startPath(run));
  const foreign = fakeRun(n.tmp, { uid: UID, jobId: '42' });
  writeOwned(startPath(foreign), startRecordText(foreign), OTHER_UID); // planted by another user
  const r = epilog(n, '42');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`refused ${startPath(run)}: is a symlink`));
  assert.match(r.stderr, new RegExp(`refused ${startPath(foreign)}: owned by uid ${OTHER_UID}, not the job's uid ${UID}`));
  assert.deepEqual(tree(n.spool), []);
  assert.ok(lstatSync(startPath(run)).isSymbolicLink());
  assert.ok(existsSync(startPath(foreign)));
});

test('a damaged staging file: good lines are published, the bad one is named, the file is kept, exit 1', (t) => {
  const n = node(t);
  const run = fakeRun(n.tmp, { uid: UID, jobId: '42' });
  const pkgLine = (name: string) =>
    serializeRecord({ program: 'python', xalt_run_uuid: run.runUuid, package_version: '', package_name: name, package_path: `/x/${name}/__init__.py` }).trimEnd();
  const staging = join(n.tmp, `xalt_pkg.${UID}.42.${run.runUuid}.999.${run.syshost}.${run.dateTime}.${run.user}.jsonl`);
  writeOwned(staging, `${pkgLine('alpha')}\n${pkgLine('beta').slice(0, 60)}\n`, UID);
  writeOwned(startPath(run), startRecordText(run).slice(0, 100), UID); // truncated start record
  const r = epilog(n, '42');
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`error: ${staging}:2: not a JSON record`));
  assert.match(r.stderr, new RegExp(`error: ${startPath(run)}: not a JSON record`));
  const published = spoolFiles(n.spool);
  assert.deepEqual(published.map((f) => JSON.parse(f.text).package_name), ['alpha']);
  assert.deepEqual(stagedLines(staging).length, 2, 'nothing is lost');
  assert.ok(existsSync(startPath(run)));
});

test('a record filed under another run in a staging file is refused', (t) => {
  const n = node(t);
  const run = fakeRun(n.tmp, { uid: UID, jobId: '42' });
  const other = fakeRun(n.tmp, { uid: UID, jobId: '42' });
  writeOwned(startPath(run), startRecordText(other), UID);
  const r = epilog(n, '42');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /userT\.run_uuid .* is not the file's run/);
  assert.deepEqual(tree(n.spool), []);
});

test('usage errors name what is missing and exit 2', (t) => {
  const n = node(t);
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], { SLURM_JOB_ID: '' }, /no job id/],
    [['--uid', 'bob'], {}, /uid "bob" is not a number/],
    [['--job', '42/../x'], {}, /job id .* has characters a job id cannot have/],
    [['--layout', 'weekly'], {}, /--layout "weekly" is not one of/],
    [['--spool', 'USE_HOME'], {}, /no home directory for uid 4242 \(the spool is USE_HOME\)/],
  ];
  for (const [args, env, message] of cases) {
    const r = epilog(n, '42', args, env);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /hint: /);
  }
  const noSpool = xalt(['epilog', '--tmpdir', n.tmp], { env: { SLURM_JOB_ID: '42', SLURM_JOB_UID: String(UID) } });
  // no --spool and no XALT_FILE_PREFIX: the site config's [spool] decides (the built-in default is USE_HOME)
  assert.equal(noSpool.status, 2);
  assert.match(noSpool.stderr, /no home directory for uid 4242 \(the spool is USE_HOME\)/);
  const noTmp = epilog({ ...n, tmp: join(n.tmp, 'missing') }, '42');
  assert.equal(noTmp.status, 1);
  assert.match(noTmp.stderr, /ENOENT/);
});

test("from the job itself (a batch script's trap), a user publishes only their own job's records", async (t) => {
  const n = node(t);
  const run = await killedRun(n, '42', 'SIGKILL');
  const r = xalt(['epilog', '--tmpdir', n.tmp, '--spool', n.spool], { env: { SLURM_JOB_ID: '42' }, uid: UID, gid: UID });
  assert.equal(r.status, 0, r.stderr);
  const files = spoolFiles(n.spool);
  assert.equal(files.length, 5);
  assert.ok(files.every((f) => f.st.uid === UID && f.name!.uuid === run.runUuid));
  const asOther = xalt(['epilog', '--tmpdir', n.tmp, '--spool', n.spool, '--uid', String(OTHER_UID)], { env: { SLURM_JOB_ID: '42' }, uid: UID, gid: UID });
  assert.equal(asOther.status, 2);
  assert.match(asOther.stderr, /only root can publish another user's records/);
});

test('a start record whose host or user would leave the spool directory is refused', (t) => {
  const n = node(t);
  const run = fakeRun(n.tmp, { uid: UID, jobId: '42', syshost: '../../../escaped' });
  writeOwned(startPath(run), startRecordText(run), UID);
  const r = epilog(n, '42');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /userT\.syshost "\.\.\/\.\.\/\.\.\/escaped" or userT\.user "alice" cannot be part of a file name/);
  assert.deepEqual(tree(join(n.tmp, '..')).filter((f) => !f.startsWith('shm/')), []);
  assert.ok(existsSync(startPath(run)), 'kept for a human to look at');
});

test('a spool prefix that does not exist is an error, not a new directory', (t) => {
  const n = node(t);
  const run = fakeRun(n.tmp, { uid: UID, jobId: '42' });
  writeOwned(startPath(run), startRecordText(run), UID);
  const missing = join(n.spool, 'typo');
  const r = epilog({ ...n, spool: missing }, '42');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `xalt: error: xalt epilog: spool ${missing} is not a directory\n  hint: check --tmpdir and --spool\n`);
  assert.ok(!existsSync(missing));
  assert.ok(existsSync(startPath(run)));
});

test('--layout hash and flat put the records where the collector would', (t) => {
  for (const layout of ['hash', 'flat'] as const) {
    const n = node(t);
    const run = fakeRun(n.tmp, { uid: UID, jobId: '42' });
    writeOwned(startPath(run), startRecordText(run), UID);
    const r = epilog(n, '42', ['--layout', layout]);
    assert.equal(r.status, 0, r.stderr);
    const where = layout === 'hash' ? `${hashDir(run.runUuid)}/` : '';
    assert.deepEqual(tree(n.spool).map((f) => f.replace(/run\..*\.(aaa|zzz)\..*/, '$1')), [`${where}aaa`, `${where}zzz`]);
  }
});
