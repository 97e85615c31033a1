/**
 * The Python hook in a real interpreter: what it stages, what it skips, and that it never
 * writes where it must not (forked workers, untracked children, symlinks) nor disturbs the
 * program or a sitecustomize it shadows.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { verifyRecordCrc } from '../../src/schema/crc16.js';
import { serializeRecord } from '../../src/schema/serialize.js';
import { validatePkg } from '../../src/schema/validate.js';
import type { PkgRecord } from '../../src/schema/pkg-record.js';
import { cleanup, fakeRun, pythonRules, filesStarting, HOOK_DIR, python, runPython, scratch, stagedLines, tempDir, writeSite } from './helpers.js';

let dir: string;
let site: string;

before(() => {
  dir = scratch('hook');
  site = join(dir, 'site');
  writeSite(site, [
    { name: 'alpha', version: '1.2.3', packages: ['alpha'] },
    { name: 'Beta-Dist', version: '4.5.0', packages: ['beta_mod'] }, // distribution name ≠ module name
    { name: 'gamma', version: '0.9', modules: ['gamma'], topLevelTxt: false },
    { name: 'delta', version: '2.0', packages: ['delta'] },
    // built by a backend that writes no top_level.txt, and named unlike its modules
    { name: 'Theta-Tools', version: '2.2', packages: ['thetamod'], modules: ['thetahelp'], topLevelTxt: false, record: true },
  ]);
});
after(() => cleanup(dir));

/** Parse, validate and check the bytes of every staged line. */
function records(path: string): PkgRecord[] {
  return stagedLines(path).map((line) => {
    assert.equal(verifyRecordCrc(line), true, `crc of ${line}`);
    assert.equal(serializeRecord(JSON.parse(line)), `${line}\n`, 'the hook writes the bytes serializeRecord writes');
    const { record, issues } = validatePkg(JSON.parse(line));
    assert.deepEqual(issues, []);
    return record!;
  });
}

function onlyStaging(tmp: string): string {
  const files = filesStarting(tmp, 'xalt_pkg.');
  assert.equal(files.length, 1, `one staging file in ${tmp}: ${files.join(', ')}`);
  return join(tmp, files[0]!);
}

test('stages each imported top-level package once, with its distribution version and path; the standard library is skipped', (t) => {
  const tmp = tempDir(t, 'tmp');
  const run = fakeRun(tmp);
  const r = runPython(run, 'import json, csv, decimal, os.path\nimport alpha, alpha.sub, beta_mod, gamma\nimport alpha\nprint("done")', { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'done\n');
  assert.equal(r.stderr, '');
  const recs = records(onlyStaging(tmp));
  assert.deepEqual(recs.map((x) => [x.package_name, x.package_version]), [['alpha', '1.2.3'], ['beta_mod', '4.5.0'], ['gamma', '0.9']]);
  assert.equal(recs[0]!.package_path, join(site, 'alpha', '__init__.py'));
  assert.equal(recs[2]!.package_path, join(site, 'gamma.py'));
  for (const x of recs) {
    assert.equal(x.program, 'python');
    assert.equal(x.xalt_run_uuid, run.runUuid);
    assert.equal(x.job_id, '42');
    assert.match(x.program_version ?? '', /^3\.\d+\.\d+$/);
  }
});

test("the site's package rules decide, first full match wins, default keep", (t) => {
  const tmp = tempDir(t, 'tmp');
  const hook = join(dir, 'hook-with-rules');
  cpSync(HOOK_DIR, hook, { recursive: true });
  writeFileSync(join(hook, 'xalt_site_rules.py'), pythonRules([
    "['KEEP', 'name', 'alpha']",
    "['SKIP', 'path', '.*/site/[^/]*\\.py']", // single-file modules under site/: gamma
    "['SKIP', 'name', 'beta']", // must match the whole name: beta_mod is kept
    "['SKIP', 'name', 'del.*']",
  ]));
  const r = runPython(fakeRun(tmp), 'import alpha, beta_mod, gamma, delta', { pythonPath: [hook, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => x.package_name), ['alpha', 'beta_mod']);
});

test('XALT_EXECUTABLE_TRACKING=no disables the hook', (t) => {
  const tmp = tempDir(t, 'tmp');
  const r = runPython(fakeRun(tmp), 'import alpha; print("ok")', { pythonPath: [HOOK_DIR, site], env: { XALT_EXECUTABLE_TRACKING: 'no' } });
  assert.equal(r.stdout, 'ok\n');
  assert.deepEqual(filesStarting(tmp, 'xalt_pkg.'), []);
});

test('a forked worker writes nothing into its parent run, not even at its exit', (t) => {
  const tmp = tempDir(t, 'tmp');
  const code = [
    'import os, sys',
    'pid = os.fork()',
    'if pid == 0:',
    '    import gamma',
    '    sys.exit(0)', // runs atexit handlers in the child
    'os.waitpid(pid, 0)',
    'import alpha',
    'os._exit(0)', // no rewrite at exit: the file shows every append as it happened
  ].join('\n');
  const r = runPython(fakeRun(tmp), code, { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => [x.package_name, x.package_version]), [['alpha', '']]);
});

test('an untracked child writes nothing; a child that is its own run writes only its own file', (t) => {
  const tmp = tempDir(t, 'tmp');
  const parent = fakeRun(tmp);
  const child = fakeRun(tmp);
  const ownRun = `export XALT_RUN_UUID=${child.runUuid} XALT_PKG_STAGING=${tmp}/xalt_pkg.0.42.${child.runUuid}.$$.testhost.${child.dateTime}.alice.jsonl; exec "$0" -c "import delta"`;
  const code = [
    'import subprocess, sys',
    'subprocess.run([sys.executable, "-c", "import gamma"], check=True)', // inherits the parent's variables
    `subprocess.run(["sh", "-c", ${JSON.stringify(ownRun)}, sys.executable], check=True)`,
    'import alpha',
  ].join('\n');
  const r = runPython(parent, code, { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  const files = filesStarting(tmp, 'xalt_pkg.');
  assert.equal(files.length, 2);
  const mine = files.find((f) => f.includes(parent.runUuid))!;
  const theirs = files.find((f) => f.includes(child.runUuid))!;
  assert.deepEqual(records(join(tmp, mine)).map((x) => x.package_name), ['alpha']);
  assert.deepEqual(records(join(tmp, theirs)).map((x) => [x.package_name, x.xalt_run_uuid]), [['delta', child.runUuid]]);
});

test('a symlink planted at the staging path is not written through, and the program runs on', (t) => {
  const tmp = tempDir(t, 'tmp');
  const run = fakeRun(tmp);
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  // The shell's pid is Python's after exec: plant the link exactly where the hook will write.
  const code = 'import alpha; print("ok")';
  const sh = `export XALT_PKG_STAGING="${tmp}/xalt_pkg.0.42.${run.runUuid}.$$.testhost.${run.dateTime}.alice.jsonl"; ln -s ${victim} "$XALT_PKG_STAGING"; exec "$0" -c "$1"`;
  const r = spawnSync('sh', ['-c', sh, python(), code], { encoding: 'utf8', env: { PATH: process.env['PATH'], PYTHONPATH: `${HOOK_DIR}:${site}` } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ok\n');
  assert.equal(r.stderr, '');
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
});

test('an unwritable staging directory never disturbs the program', () => {
  const run = fakeRun(join(dir, 'does-not-exist'));
  const r = runPython(run, 'import alpha, sys; print("ok"); sys.exit(3)', { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 3);
  assert.equal(r.stdout, 'ok\n');
  assert.equal(r.stderr, '');
});

test('in a venv, the hook records and the venv\'s own sitecustomize still runs', (t) => {
  const venv = join(dir, 'venv');
  const made = spawnSync(python(), ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const vpy = join(venv, 'bin', 'python');
  const venvSite = spawnSync(vpy, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).stdout.trim();
  writeSite(venvSite, [{ name: 'epsilon', version: '7.1', packages: ['epsilon'] }]);

  // Without a sitecustomize of its own.
  let tmp = tempDir(t, 'tmp');
  let r = runPython(fakeRun(tmp), 'import epsilon', { pythonPath: [HOOK_DIR] }, vpy);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => [x.package_name, x.package_version]), [['epsilon', '7.1']]);

  // With one: both run, theirs sees itself as `sitecustomize`.
  const marker = join(dir, 'venv-sitecustomize-ran');
  writeFileSync(join(venvSite, 'sitecustomize.py'), `import sys\nopen(${JSON.stringify(marker)}, "w").write(__name__ + " " + __file__)\nsys.venv_custom = True\n`);
  tmp = tempDir(t, 'tmp');
  r = runPython(fakeRun(tmp), 'import sys, epsilon; print(getattr(sys, "venv_custom", False))', { pythonPath: [HOOK_DIR] }, vpy);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'True\n');
  assert.equal(readFileSync(marker, 'utf8'), `sitecustomize ${join(venvSite, 'sitecustomize.py')}`);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => x.package_name), ['epsilon']);

  // And it still runs when tracking is off.
  cleanup(marker);
  r = runPython(fakeRun(dir), 'pass', { pythonPath: [HOOK_DIR], env: { XALT_EXECUTABLE_TRACKING: 'no' } }, vpy);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(marker));
});

/** A Python 3.6: $XALT_TEST_PYTHON36, python3.6 on PATH, or one installed by pyenv. */
function python36(): string | undefined {
  const pyenv = spawnSync('sh', ['-c', 'ls -d "$(pyenv root 2>/dev/null || echo ~/.pyenv)"/versions/3.6*/bin/python3 2>/dev/null | head -1'], { encoding: 'utf8' }).stdout.trim();
  for (const py of [process.env['XALT_TEST_PYTHON36'], 'python3.6', pyenv]) {
    if (!py) continue;
    const probe = spawnSync(py, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
    if (probe.status === 0) return probe.stdout.trim();
  }
  return undefined;
}

test('works on the oldest supported Python, 3.6, when one is installed', (t) => {
  const py = python36();
  if (!py) return t.skip('no Python 3.6 here');
  const tmp = tempDir(t, 'tmp');
  const r = runPython(fakeRun(tmp), 'import json, csv, alpha, beta_mod', { pythonPath: [HOOK_DIR, site] }, py);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => [x.package_name, x.package_version, x.program_version?.slice(0, 4)]), [['alpha', '1.2.3', '3.6.'], ['beta_mod', '4.5.0', '3.6.']]);
});

test('imports keep their meaning: failures raise as before, custom finders and namespace packages still work', (t) => {
  const tmp = tempDir(t, 'tmp');
  const extra = join(dir, 'extra');
  mkdirSync(join(extra, 'nspkg', 'inner'), { recursive: true }); // a namespace package: no __init__.py
  writeFileSync(join(extra, 'nspkg', 'inner', '__init__.py'), 'V = 5\n');
  const code = [
    'import sys, importlib.abc, importlib.util',
    'class Virtual(importlib.abc.MetaPathFinder, importlib.abc.Loader):',
    '    def find_spec(self, name, path=None, target=None):',
    '        return importlib.util.spec_from_loader(name, self) if name == "virtualmod" else None',
    '    def create_module(self, spec): return None',
    '    def exec_module(self, module): module.ANSWER = 42',
    'sys.meta_path.append(Virtual())',
    'try:',
    '    import no_such_package_xyz',
    'except ImportError as e:',
    '    print(type(e).__name__, e.name)',
    'import virtualmod, nspkg.inner, alpha',
    'print(virtualmod.ANSWER, nspkg.inner.V, alpha.NAME)',
  ].join('\n');
  const r = runPython(fakeRun(tmp), code, { pythonPath: [HOOK_DIR, site, extra] });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ModuleNotFoundError no_such_package_xyz\n42 5 alpha\n');
  const recs = records(onlyStaging(tmp));
  assert.deepEqual(recs.map((x) => [x.package_name, x.package_path]), [['virtualmod', ''], ['nspkg', join(extra, 'nspkg')], ['alpha', join(site, 'alpha', '__init__.py')]]);
});

test('a path that is not valid UTF-8 is staged as a valid record with the byte escaped', (t) => {
  const tmp = tempDir(t, 'tmp');
  const odd = Buffer.concat([Buffer.from(join(dir, 'odd-')), Buffer.from([0xff]), Buffer.from('dir')]);
  mkdirSync(odd);
  writeFileSync(Buffer.concat([odd, Buffer.from('/zeta.py')]), 'Z = 1\n');
  const r = runPython(fakeRun(tmp), 'import sys, os\nsys.path.append(os.fsdecode(os.environ["ODD"].encode("latin-1")))\nimport zeta', {
    pythonPath: [HOOK_DIR], env: { ODD: odd.toString('latin1') },
  });
  assert.equal(r.status, 0, r.stderr);
  const line = stagedLines(onlyStaging(tmp))[0]!;
  assert.ok(line.includes('odd-\\u00ffdir/zeta.py'), line);
  assert.ok(Buffer.from(line).every((b) => b < 0x80), 'plain ASCII, hence valid UTF-8');
  assert.equal(verifyRecordCrc(line), true);
  const { record, issues } = validatePkg(JSON.parse(line));
  assert.deepEqual(issues, []);
  assert.equal(record!.package_path, `${join(dir, 'odd-')}\u00ffdir/zeta.py`);
});

test('a broken rules file records nothing rather than what the site meant to skip, and the program runs on', (t) => {
  const tmp = tempDir(t, 'tmp');
  const hook = join(dir, 'hook-broken-rules');
  cpSync(HOOK_DIR, hook, { recursive: true });
  // A hand-written rules file from before the rules were automata: no decide() to call.
  writeFileSync(join(hook, 'xalt_site_rules.py'), 'PKG_RULES = [("SKIP", "name", r"private_.*")]\n');
  const r = runPython(fakeRun(tmp), 'import alpha; print("ok")', { pythonPath: [hook, site], env: { XALT_TRACING: 'yes' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ok\n');
  assert.match(r.stderr, /^xalt: pkg: xalt_site_rules\.py unusable, recording nothing: AttributeError/);
  assert.deepEqual(filesStarting(tmp, 'xalt_pkg.'), []);
});

test('threads importing at once record each package exactly once', (t) => {
  const tmp = tempDir(t, 'tmp');
  const code = [
    'import threading',
    'names = ["alpha", "beta_mod", "gamma", "delta"] * 4',
    'ts = [threading.Thread(target=__import__, args=(n,)) for n in names]',
    '[t.start() for t in ts]; [t.join() for t in ts]',
  ].join('\n');
  const r = runPython(fakeRun(tmp), code, { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => x.package_name).sort(), ['alpha', 'beta_mod', 'delta', 'gamma']);
});

test('paths with quotes, backslashes, control and non-ASCII characters are written byte for byte as serializeRecord writes them', (t) => {
  const tmp = tempDir(t, 'tmp');
  const weird = join(dir, 'we"ird\\ dïr\tß\u2028');
  writeSite(weird, [{ name: 'eta', version: '3.0', packages: ['eta'] }]);
  const r = runPython(fakeRun(tmp), 'import eta', { pythonPath: [HOOK_DIR, weird] });
  assert.equal(r.status, 0, r.stderr);
  const recs = records(onlyStaging(tmp)); // checks the bytes against serializeRecord
  assert.deepEqual(recs.map((x) => [x.package_path, x.package_version]), [[join(weird, 'eta', '__init__.py'), '3.0']]);
});

test("a module from the script's own directory does not borrow the version of an installed namesake", (t) => {
  const tmp = tempDir(t, 'tmp');
  const proj = join(dir, 'project');
  const venvLike = join(dir, 'lib', 'site-packages'); // a site dir holding a distribution named like the local module
  writeSite(venvLike, [{ name: 'helpers', version: '9.9.9', modules: ['helpers_unused'] }]);
  writeSite(proj, []);
  writeFileSync(join(proj, 'helpers.py'), 'H = 1\n');
  writeFileSync(join(proj, 'main.py'), 'import helpers, alpha\n');
  const run = fakeRun(tmp);
  const r = runPython(run, `import runpy, sys; sys.path[0] = ${JSON.stringify(proj)}; runpy.run_path(${JSON.stringify(join(proj, 'main.py'))})`, { pythonPath: [HOOK_DIR, site, venvLike] });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => [x.package_name, x.package_version]), [['helpers', ''], ['alpha', '1.2.3']]);
});

test('probing for a package with importlib.util.find_spec is not an import and is not recorded', (t) => {
  const tmp = tempDir(t, 'tmp');
  const code = [
    'import importlib.util, pkgutil, warnings',
    'assert importlib.util.find_spec("gamma") is not None',
    'warnings.simplefilter("ignore")',
    'assert pkgutil.find_loader("delta") is not None',
    'import alpha',
  ].join('\n');
  const r = runPython(fakeRun(tmp), code, { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => x.package_name), ['alpha']);
});

test('a distribution without top_level.txt is found through its RECORD', (t) => {
  const tmp = tempDir(t, 'tmp');
  const r = runPython(fakeRun(tmp), 'import thetamod, thetahelp', { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => [x.package_name, x.package_version]), [['thetamod', '2.2'], ['thetahelp', '2.2']]);
});

test('the environment the program and its children see is untouched, LD_PRELOAD included', (t) => {
  const tmp = tempDir(t, 'tmp');
  const plainDir = join(dir, 'plain-sitecustomize');
  mkdirSync(plainDir, { recursive: true });
  writeFileSync(join(plainDir, 'sitecustomize.py'), '');
  const code = 'import alpha, os, json, subprocess\nprint(json.dumps(dict(os.environ), sort_keys=True))\nprint(subprocess.run(["env"], capture_output=True, text=True).stdout.count("LD_PRELOAD=/opt/xalt/lib/libxalt.so"))';
  const env = { LD_PRELOAD: '/opt/xalt/lib/libxalt.so', XALT_EXECUTABLE_TRACKING: 'yes' };
  const run = fakeRun(tmp);
  // LD_PRELOAD names a library that does not exist here: the loader only warns about it.
  const tracked = runPython(run, code, { pythonPath: [HOOK_DIR, site], env });
  const plain = runPython(run, code, { pythonPath: [plainDir, site], env });
  assert.equal(tracked.status, 0, tracked.stderr);
  // Only the hook directory on PYTHONPATH and the pid in the staging name may differ.
  const strip = (out: string) => out.replace(/"PYTHONPATH": "[^"]*", /, '').replace(/\.\d+\.testhost\./, '.PID.testhost.');
  assert.equal(strip(tracked.stdout), strip(plain.stdout));
  assert.match(tracked.stdout, /\n1\n$/);
  assert.deepEqual(records(onlyStaging(tmp)).map((x) => x.package_name), ['alpha']);
});
