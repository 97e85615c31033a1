/**
 * The Python hook against what a user's (or a package's) files can do to it: metadata that
 * is a FIFO or endless, closed standard descriptors, imports that raise, rule patterns that
 * would make a backtracking regex engine take exponential time. The program must behave
 * exactly as without the hook, and nothing false may be recorded.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, fakeRun, filesStarting, HOOK_DIR, python, pythonRules, runPython, scratch, stagedLines, tempDir, writeSite } from './helpers.js';

let dir: string;
let site: string;

before(() => {
  dir = scratch('hook-hostile');
  site = join(dir, 'site');
  writeSite(site, [
    { name: 'alpha', version: '1.2.3', packages: ['alpha'] },
    { name: 'fifometa', version: '0', packages: ['fifometa'] },
    { name: 'zerometa', version: '0', packages: ['zerometa'] },
  ]);
  // Metadata a hostile or broken install could leave: a FIFO and a link to an endless device.
  for (const name of ['fifometa', 'zerometa']) rmSync(join(site, `${name}-0.dist-info`), { recursive: true });
  mkdirSync(join(site, 'fifometa.egg-info'));
  spawnSync('mkfifo', [join(site, 'fifometa.egg-info', 'PKG-INFO')]);
  mkdirSync(join(site, 'zerometa.egg-info'));
  symlinkSync('/dev/zero', join(site, 'zerometa.egg-info', 'PKG-INFO'));
  // A package whose import raises, and one that fails only the first time.
  mkdirSync(join(site, 'broken'));
  writeFileSync(join(site, 'broken', '__init__.py'), 'raise RuntimeError("broken on purpose")\n');
});
after(() => cleanup(dir));

function names(tmp: string): string[] {
  const files = filesStarting(tmp, 'xalt_pkg.');
  return files.length === 0 ? [] : stagedLines(join(tmp, files[0]!)).map((l) => (JSON.parse(l) as { package_name: string }).package_name);
}

test('metadata that is a FIFO or a link to /dev/zero neither hangs the program nor is read without bound', { timeout: 60_000 }, (t) => {
  const tmp = tempDir(t, 'tmp');
  const r = runPython(fakeRun(tmp), 'import fifometa, zerometa, alpha\nprint("done")', { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'done\n');
  const staged = stagedLines(join(tmp, filesStarting(tmp, 'xalt_pkg.')[0]!)).map((l) => JSON.parse(l) as { package_name: string; package_version: string });
  assert.deepEqual(staged.map((x) => [x.package_name, x.package_version]), [['fifometa', ''], ['zerometa', ''], ['alpha', '1.2.3']]);
});

test('with standard output closed, the output still fails as without the hook (exit 120) and nothing lands in the staging file', (t) => {
  const tmp = tempDir(t, 'tmp');
  // The program closes fd 1, then imports (the hook opens its staging file), then prints.
  const code = 'import os\nos.close(1)\nimport alpha\nprint("to a closed stdout")';
  const without = spawnSync(python(), ['-c', code], { encoding: 'utf8', env: { PATH: process.env['PATH'], PYTHONPATH: site } });
  const withHook = runPython(fakeRun(tmp), code, { pythonPath: [HOOK_DIR, site] });
  assert.equal(without.status, 120, without.stderr);
  assert.equal(withHook.status, without.status, withHook.stderr);
  assert.deepEqual(names(tmp), ['alpha'], 'only the record, not the program output');
});

test('a package whose import raised is not recorded; one imported after a failed attempt is', (t) => {
  const tmp = tempDir(t, 'tmp');
  const code = [
    'try:',
    '    import broken',
    'except RuntimeError as e:',
    '    print("caught", e)',
    'import alpha',
  ].join('\n');
  const r = runPython(fakeRun(tmp), code, { pythonPath: [HOOK_DIR, site] });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'caught broken on purpose\n');
  assert.deepEqual(names(tmp), ['alpha']);
});

test('a rule pattern that backtracks catastrophically in a regex engine decides at once, as the automaton does', { timeout: 60_000 }, (t) => {
  const tmp = tempDir(t, 'tmp');
  const hook = join(dir, 'hook-nasty-rules');
  cpSync(HOOK_DIR, hook, { recursive: true });
  // (.*/)*x over a deep path that does not end in x: exponential for re, linear for a DFA.
  writeFileSync(join(hook, 'xalt_site_rules.py'), pythonRules(["['SKIP', 'path', '(.*/)*x']"]));
  const deep = join(dir, ...Array.from({ length: 40 }, (_, i) => `d${i}`));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'deepmod.py'), 'V = 1\n');
  const r = runPython(fakeRun(tmp), 'import deepmod, alpha\nprint(deepmod.V)', { pythonPath: [hook, site, deep] });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '1\n');
  assert.deepEqual(names(tmp), ['deepmod', 'alpha'], 'neither path ends in x, so both are kept (default KEEP)');
});
