/**
 * An admin's install, end to end: `xalt build` and `xalt install` from a copy of the checkout,
 * the copy deleted, then the installed pieces at work — the epilog script on a "compute node"
 * where Node.js cannot run at all (its binary hidden in a private mount namespace) ships a
 * killed job's staged records; the installed `xalt` ingests and reports them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/db/open-store.js';
import { alice, stageRun, stagePkgs } from '../ship/helpers.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const isRoot = process.getuid?.() === 0;

/** A copy of what a checkout holds after `npm ci` (node_modules shared: the install must copy what it needs). */
function copyCheckout(to: string): void {
  for (const part of ['bin', 'etc', 'native', 'python', 'package.json', 'package-lock.json']) {
    const r = spawnSync('cp', ['-a', join(ROOT, part), to]);
    assert.equal(r.status, 0, `cp ${part}: ${r.stderr}`);
  }
  mkdirSync(join(to, 'dist'));
  assert.equal(spawnSync('cp', ['-a', join(ROOT, 'dist', 'src'), join(to, 'dist')]).status, 0);
  rmSync(join(to, 'native', 'build'), { recursive: true, force: true });
  spawnSync('ln', ['-s', realpathSync(join(ROOT, 'node_modules')), join(to, 'node_modules')]);
}

/** Every file under `dir` (relative paths). */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile());
}

test('installed from a copy of the checkout that is then deleted, xalt works: the epilog ships without Node.js, the installed xalt ingests and reports', async (t) => {
  if (!isRoot) { t.skip('installs root-owned programs'); return; }
  const base = mkdtempSync(join(tmpdir(), 'xalt-install-e2e-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  chmodSync(base, 0o755);
  const checkout = join(base, 'checkout');
  mkdirSync(checkout);
  copyCheckout(checkout);
  const prefix = join(base, 'sw', 'xalt');
  const staging = join(base, 'shm');
  mkdirSync(staging);
  chmodSync(staging, 0o1777);
  const config = join(base, 'site.toml');
  writeFileSync(config, [
    '[syshost]', 'kind = "hardcode"', 'name = "testhost"',
    '[spool]', `prefix = "${base}/spool"`, `tmpdir = "${staging}"`,
    '[ship]', `state_dir = "${base}/state"`,
    '[store]', `url = "${base}/xalt.db"`,
    '[install]', `prefix = "${prefix}"`, '',
  ].join('\n'));
  const xaltIn = (dir: string, args: string[], cwd = base) => spawnSync(process.execPath, [join(dir, 'bin', 'xalt'), ...args], { encoding: 'utf8', cwd, env: { ...process.env, XALT_CONFIG: '', XALT_DIR: '' } });
  const built = xaltIn(checkout, ['build', '-c', config, '--out', join(checkout, 'native', 'build')]);
  assert.equal(built.status, 0, built.stderr);
  const installed = xaltIn(checkout, ['install', '-c', config, prefix]);
  assert.equal(installed.status, 0, installed.stderr);
  rmSync(checkout, { recursive: true, force: true });

  // what an admin checks: xalt-ship root's and never setuid, the spool root's, nothing points at the checkout
  const ship = statSync(join(prefix, 'sbin', 'xalt-ship'));
  assert.deepEqual([ship.uid, ship.mode & 0o7777], [0, 0o755]);
  const spool = statSync(join(base, 'spool'));
  assert.deepEqual([spool.uid, spool.mode & 0o7777], [0, 0o755]);
  assert.equal(statSync(join(base, 'spool', '.quarantine')).mode & 0o7777, 0o700);
  const isElf = (b: Buffer) => b.subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1')); // their debug info names the sources they were built from
  const mentions = filesUnder(prefix).filter((f) => { const b = readFileSync(join(prefix, f)); return !isElf(b) && b.includes(checkout); });
  assert.deepEqual(mentions, [], 'no installed script, module or config refers to the deleted checkout');
  for (const f of ['share/xalt/xalt-ship.service', 'share/xalt/xalt-ship.timer', 'share/xalt/xalt-ship.cron']) {
    assert.ok(readFileSync(join(prefix, f), 'utf8').includes(f.endsWith('.timer') ? 'OnUnitActiveSec' : `${prefix}/sbin/xalt-ship -q`), f);
  }

  // a job of alice's on a compute node: one run finished, one killed at the time limit with a package imported
  const a = alice();
  const n = { staging, spool: join(base, 'spool'), state: join(base, 'state') };
  const killed = stageRun(n, a, '77', { ago: 60 });
  stageRun(n, a, '77', { end: true });
  stagePkgs(n, a, '77', killed.uuid, ['numpy']);
  // the node's scontrol and logger, as Slurm's epilog environment would find them
  const fakebin = join(base, 'fakebin');
  mkdirSync(fakebin);
  writeFileSync(join(fakebin, 'scontrol'), '#!/bin/sh\necho "JobId=$4 JobName=sim"\necho "   JobState=TIMEOUT Reason=TimeLimit Dependency=(null)"\n', { mode: 0o755 });
  writeFileSync(join(fakebin, 'logger'), `#!/bin/sh\ncat >> ${base}/syslog\n`, { mode: 0o755 });
  // Node.js made unrunnable for the epilog: /dev/null over every node binary, in a private mount namespace
  const nodes = new Set([realpathSync(process.execPath), ...['/usr/bin/node', '/usr/local/bin/node', '/bin/node'].filter(existsSync).map((p) => realpathSync(p))]);
  const hide = [...nodes].map((p) => `mount --bind /dev/null '${p}'`).join(' && ');
  const env = `env -i PATH=${fakebin}:/usr/bin:/bin SLURM_JOB_ID=77 SLURM_JOB_UID=${a.uid} SLURM_JOB_USER=${a.name}`;
  const epilog = join(prefix, 'libexec', 'xalt', 'epilog');
  const r = spawnSync('unshare', ['--mount', 'sh', '-c', `${hide} && ! node --version 2>/dev/null && exec ${env} ${epilog}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `epilog: ${r.stdout}${r.stderr}`);
  assert.match(readFileSync(join(base, 'syslog'), 'utf8'), /^xalt-ship: job 77 uid \d+: 3 files shipped, 1 run closed to /, 'its one line went to logger');
  assert.deepEqual(readdirSync(staging), [], "the job's staging is gone");

  // the installed xalt, run from a directory with a broken ./xalt.toml, uses its own config
  writeFileSync(join(base, 'xalt.toml'), '[spool]\nlayout = "weekly"\n');
  const ingest = spawnSync(join(prefix, 'bin', 'xalt'), ['ingest'], { encoding: 'utf8', cwd: base, env: { ...process.env, XALT_CONFIG: '', XALT_DIR: '' } });
  assert.equal(ingest.status, 0, ingest.stderr);
  assert.match(ingest.stdout, /1 bundles \(1 read holding 4 records, 0 already loaded\), 3 run records, 0 links, 1 packages/);
  const report = spawnSync(join(prefix, 'bin', 'xalt'), ['report', 'success', '--since', '2d'], { encoding: 'utf8', cwd: base, env: { ...process.env, XALT_CONFIG: '', XALT_DIR: '' } });
  assert.equal(report.status, 0, report.stderr);
  const store = await openStore(join(base, 'xalt.db'));
  try {
    const runs = await store.all<Record<string, unknown>>(`SELECT run_uuid, end_reason, job_id, owner_user FROM xalt_run ORDER BY start_time`);
    assert.deepEqual(runs.map((x) => [x['end_reason'], x['job_id'], x['owner_user']]), [['job_end', '77', a.name], ['exit', '77', a.name]]);
    assert.equal(runs[0]!['run_uuid'], killed.uuid);
    const pkgs = await store.all<Record<string, unknown>>(`SELECT pkg_name FROM xalt_pkg WHERE run_uuid = ?`, [killed.uuid]);
    assert.deepEqual(pkgs.map((p) => p['pkg_name']), ['numpy']);
  } finally {
    await store.close();
  }
});
