import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, runXalt } from '../helpers/run-xalt.js';

interface Check { check: string; status: string; detail: string }

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-doctor-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let shared: { dir: string; env: NodeJS.ProcessEnv; config: string; prefix: string } | undefined;

/** One installation for the tests of this file (building and installing take a while). */
function installation(): { dir: string; env: NodeJS.ProcessEnv; config: string; prefix: string } {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'xalt-doctor-test-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    shared = { dir, ...installed(dir) };
  }
  return shared;
}

/** Build and install into `dir/sw/xalt` with a config of its own; what `module load xalt` sets. */
function installed(dir: string): { env: NodeJS.ProcessEnv; config: string; prefix: string } {
  const prefix = join(dir, 'sw/xalt');
  const config = join(dir, 'xalt.toml');
  // the example config as shipped, with this test's spool, staging, store and install prefix
  const example = readFileSync(join(repoRoot, 'etc', 'xalt.example.toml'), 'utf8');
  writeFileSync(config, example
    .replace(/^prefix = "\/var\/spool\/xalt"$/m, `prefix = "${join(dir, 'spool')}"`).replace(/^tmpdir = "\/dev\/shm"$/m, `tmpdir = "${dir}"`)
    .replace(/^url = "xalt\.db"$/m, `url = "${join(dir, 'xalt.db')}"`).replace(/^prefix = ""$/m, `prefix = "${prefix}"`));
  const build = runXalt(['build', '-c', config, '--out', join(dir, 'build')]);
  assert.equal(build.status, 0, build.stderr);
  const install = runXalt(['install', prefix, '-c', config, '--build', join(dir, 'build')]);
  assert.equal(install.status, 0, install.stderr);
  assert.equal(runXalt(['db', 'migrate', '-c', config]).status, 0);
  const env = {
    XALT_DIR: prefix, PATH: `${prefix}/bin:${process.env['PATH']}`, XALT_CONFIG: config,
    LD_PRELOAD: join(prefix, 'lib', 'libxalt.so'), XALT_EXECUTABLE_TRACKING: 'yes', PYTHONPATH: join(prefix, 'python'),
  };
  return { env, config, prefix };
}

const checksOf = (stdout: string) => (JSON.parse(stdout) as { checks: Check[] }).checks;

test('doctor on a fresh installation with the module loaded: every check passes, the Python hook by what it records', (t) => {
  // with Debian's python3 first on PATH (it loads a sitecustomize of its own, which ours chains) when there is one
  if (process.getuid?.() !== 0) { t.skip('xalt-ship must be installed root-owned'); return; }
  const { dir, env, prefix } = installation();
  const pybin = join(dir, 'pybin');
  mkdirSync(pybin);
  if (existsSync('/usr/bin/python3')) symlinkSync('/usr/bin/python3', join(pybin, 'python3'));
  const r = runXalt(['doctor', '--json'], { env: { ...env, PATH: `${prefix}/bin:${pybin}:${process.env['PATH']}` } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const checks = checksOf(r.stdout);
  assert.deepEqual(checks.map((c) => c.check), ['config', 'tracking', 'collector', 'xalt-ship', 'spool', 'staging', 'quarantine', 'python hook', 'link wrapper', 'store']);
  for (const c of checks) assert.equal(c.status, 'ok', `${c.check}: ${c.detail}`);
  assert.match(checks[2]!.detail, new RegExp(`^${prefix}/lib/libxalt\\.so records runs`));
  assert.match(checks[3]!.detail, /xalt-ship \(root's, mode 0755\)/);
  // Debian's python3 loads a sitecustomize of its own, which ours chains: the check must not mind
  assert.match(checks[7]!.detail, existsSync('/usr/bin/python3') ? /^\/usr\/bin\/python3[.\d]* records imported packages \(hook / : / records imported packages \(hook /);
});

test('doctor says FAIL, not "all OK", when tracking is off in this shell', (t) => {
  if (process.getuid?.() !== 0) { t.skip('xalt-ship must be installed root-owned'); return; }
  const { env } = installation();
  const { LD_PRELOAD: _l, ...noPreload } = env;
  const off = runXalt(['doctor'], { env: { ...noPreload, LD_PRELOAD: '' } });
  assert.equal(off.status, 1);
  assert.match(off.stdout, /^FAIL  tracking +LD_PRELOAD is empty: no collector: programs started from this environment are not tracked \(module load xalt\)$/m);
  const no = runXalt(['doctor'], { env: { ...env, XALT_EXECUTABLE_TRACKING: 'no' } });
  assert.equal(no.status, 1);
  assert.match(no.stdout, /^FAIL  tracking +XALT_EXECUTABLE_TRACKING is "no", not "yes"/m);
});

test('doctor names what is broken and exits 1', (t) => {
  const dir = scratch(t);
  const config = join(dir, 'xalt.toml');
  writeFileSync(config, `[spool]\nprefix = "${join(dir, 'no-such-spool')}"\ntmpdir = "${join(dir, 'no-such-tmp')}"\n`);
  const r = runXalt(['doctor', '-c', config]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^FAIL  spool +.*no-such-spool does not exist/m);
  assert.match(r.stdout, /^FAIL  staging +.*no-such-tmp is not a directory this user can write/m);
  const bad = join(dir, 'bad.toml');
  writeFileSync(bad, '[spool]\nlayout = "weekly"\n');
  const b = runXalt(['doctor', '-c', bad]);
  assert.equal(b.status, 1);
  assert.match(b.stdout, /^FAIL  config +.*bad\.toml:2: spool\.layout/m);
});
