import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { committedGenerated } from '../../src/config/write-generated.js';
import { emitPythonRules } from '../../src/config/emit-python.js';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import { keepPackage } from '../../src/config/decide.js';
import { emitSiteConfigC } from '../../src/config/emit-c.js';
import { HEADER } from './c-harness.js';

test('committed generated files are what the compiler produces from etc/xalt.example.toml', () => {
  for (const f of committedGenerated()) {
    assert.equal(readFileSync(f.path, 'utf8'), f.text,
      `${f.path} is stale; regenerate: node -e "import('./dist/src/config/write-generated.js').then((m) => m.writeCommitted())"`);
  }
});

test('generated C compiles cleanly with -std=c11 -Wall -Wextra -Wpedantic -Werror, exporting only the contract', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-gen-'));
  try {
    const cfg = parseSiteConfig(`[syshost]\nkind = "mapping"\nmapping = [['c[0-9]+', 'my "cluster"?\\\\']]\n[rules]\npaths = [['KEEP', '/u/*x*/'], ['SKIP', 'é.*']]\n[install]\nprefix = "/opt/xalt"\n`, 'x.toml').config!;
    writeFileSync(join(dir, 'site_config.c'), emitSiteConfigC(cfg, { includePath: HEADER }));
    execFileSync('cc', ['-c', '-std=c11', '-Wall', '-Wextra', '-Wpedantic', '-Werror', '-fPIC', '-o', join(dir, 's.o'), join(dir, 'site_config.c')]);
    const symbols = execFileSync('nm', ['-g', '--defined-only', join(dir, 's.o')]).toString().trim().split('\n').map((l) => l.split(' ').pop()).sort();
    assert.deepEqual(symbols, ['xalt_rule_action', 'xalt_rule_match', 'xalt_site_config']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xalt_site_rules.py decides like the TypeScript rules under real python3', () => {
  const text = `[rules]\npython_packages = [\n  ['SKIP', 'path', '[^/].*'],\n  ['SKIP', 'name', '_.*'],\n  ['KEEP', 'path', '.*/site-packages/.*'],\n  ['SKIP', 'path', '/usr/lib64/python3\\.[0-9]+/.*'],\n  ['SKIP', 'name', 'say "hi"\\\\'],\n]\n`;
  const cfg = parseSiteConfig(text, 'p.toml').config!;
  const dir = mkdtempSync(join(tmpdir(), 'xalt-py-'));
  try {
    writeFileSync(join(dir, 'xalt_site_rules.py'), emitPythonRules(cfg));
    const cases: [string, string][] = [
      ['numpy', '/opt/conda/lib/python3.11/site-packages/numpy/__init__.py'], ['json', '/usr/lib64/python3.9/json/__init__.py'],
      ['_ssl', '/usr/lib64/python3.9/lib-dynload/_ssl.so'], ['sys', 'built-in'], ['mycode', '/home/a/mycode.py'], ['say "hi"\\', '/x'],
      ['pandas', '/usr/lib64/python3.9/site-packages/pandas/__init__.py'],
    ];
    const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nimport xalt_site_rules as r\nprint(json.dumps([r.decide(n, p) for n, p in json.load(sys.stdin)]))`;
    const out = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(cases) }).toString()) as string[];
    assert.deepEqual(out, cases.map(([n, p]) => (keepPackage(cfg, n, p) ? 'KEEP' : 'SKIP')));
    assert.deepEqual(out, ['KEEP', 'SKIP', 'SKIP', 'SKIP', 'KEEP', 'SKIP', 'KEEP']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
