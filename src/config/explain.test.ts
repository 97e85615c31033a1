import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainEnv, explainHost, explainPackage, explainPath, packageNameOf, type FsView } from './explain.js';
import { parseSiteConfig } from './parse-site-config.js';
import { syshostFor } from './decide.js';

const cfg = parseSiteConfig(`
[install]
prefix = "/opt/xalt"
[rules]
hosts = [['KEEP', 'c[0-9]+\\..*'], ['SKIP', 'login.*']]
host_default = "SKIP"
paths = [
  ['CUSTOM', '.*/python3'],
  ['KEEP', '/usr/bin/cp'],
  ['SKIP', '/usr/.*'],
]
path_args = [
  ['JUMP_1', '.*/python3;-m'],
  ['PKGS', '.*/python3;/proj/.*'],
  ['KEEP', '.*/python3;-c'],
]
env = [['KEEP', '.*']]
python_packages = [['SKIP', 'name', '_.*'], ['KEEP', 'path', '.*/site-packages/.*'], ['SKIP', 'path', '/usr/.*']]
`, 'e.toml').config!;

const files = new Set(['/proj/run.py', '/home/u/x.py']);
const fs: FsView = { realpath: (p) => (files.has(p) ? p : undefined) };

test('first full match decides: /usr/bin/cp is kept, /usr/bin/cpio skipped (not longest match)', () => {
  assert.equal(explainPath(cfg, '/usr/bin/cp', [], fs).result, 'KEEP');
  const e = explainPath(cfg, '/usr/bin/cpio', [], fs);
  assert.equal(e.result, 'SKIP');
  assert.equal(e.steps[0]!.index, 2);
  assert.equal(e.steps[0]!.line, 10);
});

test('shells, xalt programs and the install dir are skipped by built-in rules before site rules', () => {
  for (const p of ['/bin/bash', '/usr/local/bin/zsh', '/opt/xalt/lib/anything', '/usr/local/bin/xalt_extract_record']) {
    const e = explainPath(cfg, p, [], fs);
    assert.equal(e.result, 'SKIP', p);
    assert.equal(e.decidedBy, 'builtin', p);
  }
});

test('an unmatched path falls to the default and says so', () => {
  const e = explainPath(cfg, '/home/u/a.out', [], fs);
  assert.equal(e.result, 'KEEP');
  assert.equal(e.decidedBy, 'default');
});

test('CUSTOM: JUMP_1 skips the option value, missing files are skipped, a path rule decides', () => {
  const e = explainPath(cfg, '/usr/bin/python3', ['-m', 'proj', 'nofile.py', '/proj/run.py'], fs);
  assert.equal(e.result, 'PKGS');
  assert.deepEqual(e.steps.map((s) => s.action), ['CUSTOM', 'JUMP_1', 'NEXT', 'PKGS']);
  assert.deepEqual(e.steps.map((s) => s.input), ['/usr/bin/python3', '/usr/bin/python3;-m', '/usr/bin/python3;nofile.py', '/usr/bin/python3;/proj/run.py']);
});

test('CUSTOM: JUMP_1 really skips the next argument even when it would decide', () => {
  assert.equal(explainPath(cfg, '/usr/bin/python3', ['-m', '-c'], fs).result, 'SKIP');
  assert.equal(explainPath(cfg, '/usr/bin/python3', ['-c', 'print(1)'], fs).result, 'KEEP');
});

test('CUSTOM with no deciding argument is skipped by default', () => {
  const e = explainPath(cfg, '/usr/bin/python3', ['/home/u/x.py'], fs);
  assert.equal(e.result, 'SKIP');
  assert.equal(e.decidedBy, 'default');
});

test('hosts, env (secrets refused even with KEEP .*), packages', () => {
  assert.equal(explainHost(cfg, 'c12.cluster').result, 'KEEP');
  assert.equal(explainHost(cfg, 'login2').steps[0]!.index, 1);
  assert.equal(explainHost(cfg, 'gpu1').decidedBy, 'default');
  assert.equal(explainEnv(cfg, 'HOME=/home/u').result, 'KEEP');
  for (const secret of ['GITHUB_TOKEN=x', 'my_api_key=y', 'DB_PASSWORD=', 'AWS_SECRET_ACCESS_KEY=z']) {
    const e = explainEnv(cfg, secret);
    assert.equal(e.result, 'SKIP', secret);
    assert.equal(e.decidedBy, 'builtin', secret);
  }
  assert.equal(explainPackage(cfg, '/usr/lib/python3/site-packages/numpy/__init__.py').result, 'KEEP');
  assert.equal(explainPackage(cfg, '/usr/lib64/python3.9/json/__init__.py').result, 'SKIP');
  assert.equal(explainPackage(cfg, '_ssl').result, 'SKIP');
  assert.equal(explainPackage(cfg, 'numpy').decidedBy, 'default');
  assert.equal(packageNameOf('/x/lib/six.py'), 'six');
});

test('syshost rules name the cluster without DNS', () => {
  const of = (toml: string, host: string) => syshostFor(parseSiteConfig(toml, 's.toml').config!, host);
  assert.equal(of('[syshost]\nkind = "nth_name"\nnth = 2\n', 'c401-102.stampede2.tacc.utexas.edu'), 'stampede2');
  assert.equal(of('[syshost]\nkind = "nth_name"\nnth = 2\n', 'c401-102'), 'c401-102');
  assert.equal(of('', 'delta-login3.ncsa'), 'delta-login');
  assert.equal(of('[syshost]\nkind = "hardcode"\nname = "frontera"\n', 'x'), 'frontera');
  assert.equal(of("[syshost]\nkind = \"mapping\"\nmapping = [['c[0-9]+-[0-9]+\\..*', 's3'], ['login.*', 's3-login']]\n", 'login2.x'), 's3-login');
  assert.equal(of("[syshost]\nkind = \"mapping\"\nmapping = [['c[0-9]+', 's3']]\n", 'gpu1'), 'gpu1');
});
