/**
 * One package-rule matcher: `xalt config explain --pkg`, the TypeScript decision
 * (keepPackage) and the real hook in a real interpreter decide every package alike, non-ASCII
 * names included. Rules are regexes over UTF-8 bytes everywhere, so `caf..` matches "café"
 * (c a f 0xC3 0xA9) and `na.ve` does not match "naïve" (six bytes) — a Unicode regex engine,
 * as the hook once used, would answer both the other way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitPythonRules } from '../../src/config/emit-python.js';
import { keepPackage } from '../../src/config/decide.js';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import { fakeRun, filesStarting, HOOK_DIR, runPython, stagedLines, tempDir, xalt } from './helpers.js';

const CONFIG = `[rules]
python_packages = [
  ['SKIP', 'name', 'caf..'],
  ['SKIP', 'name', 'na.ve'],
  ['SKIP', 'path', '.*/ünï/[^/]*'],
  ['KEEP', 'name', 'ß.*'],
  ['SKIP', 'path', '.*/skipped/.*'],
]
`;

/** name → the directory (below the test's site root) it is imported from */
const PACKAGES: Record<string, string> = {
  'café': 'site', 'cafe': 'site', 'naïve': 'site', 'ñandú': 'ünï', 'ßtraße': 'skipped', 'plain': 'skipped',
};

function explained(config: string, what: string): string {
  const r = xalt(['config', 'explain', '--json', '-c', config, '--pkg', what]);
  assert.ok(r.status === 0 || r.status === 3, r.stderr); // 3: no rule matched, the default decided
  return (JSON.parse(r.stdout) as { result: string }).result;
}

test('explain, keepPackage and the real hook decide non-ASCII package names and paths alike', { timeout: 60_000 }, (t) => {
  const dir = tempDir(t, 'rules-agree');
  const config = join(dir, 'xalt.toml');
  writeFileSync(config, CONFIG);
  const cfg = parseSiteConfig(CONFIG, config).config!;
  const hook = join(dir, 'hook');
  cpSync(HOOK_DIR, hook, { recursive: true });
  writeFileSync(join(hook, 'xalt_site_rules.py'), emitPythonRules(cfg)); // as `xalt build` writes it
  const roots = [...new Set(Object.values(PACKAGES))].map((d) => join(dir, d));
  const pathOf = (name: string) => join(dir, PACKAGES[name]!, `${name}.py`);
  for (const [name] of Object.entries(PACKAGES)) {
    mkdirSync(join(dir, PACKAGES[name]!), { recursive: true });
    writeFileSync(pathOf(name), 'X = 1\n');
  }

  const tmp = tempDir(t, 'tmp');
  const names = Object.keys(PACKAGES);
  const r = runPython(fakeRun(tmp), `import importlib\nfor n in ${JSON.stringify(names)}: importlib.import_module(n)\nprint("ok")`, { pythonPath: [hook, ...roots] });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ok\n');
  const [staging] = filesStarting(tmp, 'xalt_pkg.');
  const byHook = new Set(stagedLines(join(tmp, staging!)).map((l) => (JSON.parse(l) as { package_name: string }).package_name));

  const verdicts = names.map((n) => ({
    name: n,
    hook: byHook.has(n) ? 'KEEP' : 'SKIP',
    explainPath: explained(config, pathOf(n)),
    typescript: keepPackage(cfg, n, pathOf(n)) ? 'KEEP' : 'SKIP',
  }));
  for (const v of verdicts) assert.deepEqual([v.explainPath, v.typescript], [v.hook, v.hook], `${v.name}: ${JSON.stringify(v)}`);
  // The answers themselves: bytes, not characters; first full match wins; default KEEP.
  assert.deepEqual(verdicts.map((v) => [v.name, v.hook]), [
    ['café', 'SKIP'], ['cafe', 'KEEP'], ['naïve', 'KEEP'], ['ñandú', 'SKIP'], ['ßtraße', 'KEEP'], ['plain', 'SKIP'],
  ]);
  // A bare name is decided by the name rules alone, as explain says.
  assert.equal(explained(config, 'café'), 'SKIP');
  assert.equal(explained(config, 'naïve'), 'KEEP');
});
