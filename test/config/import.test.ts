import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './c-harness.js';
import { evaluateXaltConfig } from '../../src/config/read-xalt-config.js';
import { importXaltConfig, translateFlexPattern, prefixToFull } from '../../src/config/import-xalt-config.js';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import { explainPath, explainHost, explainEnv } from '../../src/config/explain.js';
import { keepPackage } from '../../src/config/decide.js';
import { toByteString } from '../../src/config/regex-syntax.js';

/** A config in the style of TACC's. */
const TACC_PY = String.raw`
import sys
hostname_patterns = [
  ['KEEP', '^c[0-9][0-9][0-9]-[0-9][0-9][0-9]\..*'],
  ['KEEP', '^i[0-9][0-9][0-9]-[0-9][0-9][0-9]\..*'],
]
path_patterns = [
  ['PKGS',  r'.*\/R'],
  ['PKGS',  r'.*\/MATLAB'],
  ['PKGS',  r'.*\/python[0-9.]*'],
  ['KEEP',  r'^\/bin\/cp'],
  ['KEEP',  r'^\/usr\/bin\/cp'],
  ['KEEP',  r'^\/usr\/bin\/(mv|gawk|sed|perl|grep|bzip2|gzip|tar)'],
  ['SKIP',  r'^\/usr\/.*'],
  ['SKIP',  r'^\/sbin'],
  ['SKIP',  r'^\/bin\/.*'],
  ['SKIP',  r'^\/opt\/apps\/intel[0-9][0-9]\/impi\/.*'],
  ['SKIP',  r'^\/opt\/apps\/(gcc|cuda|lua|lmod|xalt|git|cmake|autotools)\/.*'],
  ['SKIP',  r'.*\/git'],
  ['SKIP',  r'.*\/mpi(cc|cxx|f77|f90|fort)'],
  ['SKIP',  r'.*\/mpiexec\.hydra'],
  ['SKIP',  r'.*\/hydra_pmi_proxy'],
  ['SKIP',  r'.*\/CMakeFiles\/CMakeTmp\/cmTC_[a-f0-9]*'],
  ['SKIP',  r'.*\/"conftest"'],
]
env_patterns = [
  [ 'SKIP', r'^MKL_DEBUG.*' ],
  [ 'KEEP', r'^I_MPI_(PIN|ADJUST)[A-Z_]*=.*' ],
  [ 'KEEP', r'^(LD_LIBRARY_PATH|LOADEDMODULES|PATH|_LMFILES_)=.*' ],
  [ 'SKIP', r'^__.*' ],
  [ 'KEEP', r'^OMP.*' ],
  [ 'KEEP', r'^PYTHONPATH' ],
]
interval_array = [
    [ 0.0,                1.0e-4 ],
    [ 1800.0,             0.01   ],
    [ 7200.0,             1.0    ],
    [ sys.float_info.max, 1.0    ]
]
mpi_interval_array = [
    [ 0.0,                1.0e-4 ],
    [ 900.0,              0.01   ],
    [ 1800.0,             1.0    ],
    [ sys.float_info.max, 1.0    ]
]
MPI_ALWAYS_RECORD = 128
python_pkg_patterns = [
  { 'k_s' : 'SKIP', 'kind' : 'path', 'patt' : r"^[^/]"               },
  { 'k_s' : 'SKIP', 'kind' : 'name', 'patt' : r"^_"                  },
  { 'k_s' : 'SKIP', 'kind' : 'name', 'patt' : r".*\."                },
  { 'k_s' : 'KEEP', 'kind' : 'path', 'patt' : r".*\/\.local\/"       },
  { 'k_s' : 'KEEP', 'kind' : 'path', 'patt' : r".*\/site-packages\/" },
  { 'k_s' : 'SKIP', 'kind' : 'path', 'patt' : r"^\/opt"              },
  { 'k_s' : 'SKIP', 'kind' : 'path', 'patt' : r"^\/home"             },
]
pre_ingest_patterns = [
  [0.0,  r'.*\/foobar'],
  [0.01, r'.*\/BAZ'],
]
`;

/** A config in the style of NCSA Delta's. */
const DELTA_PY = String.raw`
hostname_patterns = [
  ['KEEP', r'cn[0-1][0-9][0-9]\..*'],
  ['KEEP', r'gpu[ab][0-1][0-9][0-9]\..*'],
  ['KEEP', r'gpuc0[0-6]\..*'],
  ['SKIP', r'dt-login0[0-5]\..*'],   # track login nodes for debugging
]
path_patterns = [
  ['SKIP', r'.*\/bin\/pip[0-9]'],
  ['PKGS', r'.*\/r*'],
  ['PKGS', r'.*\/matlab*'],
  ['PKGS', r'.*\/python[0-9.]*'],
  ['PKGS', r'.*\/python-.*'],
  ['KEEP', r'\/u\/*'],
  ['KEEP', r'\/sw\/spack\/.*'],
  ['KEEP', r'\/usr\/bin\/gcc*'],
  ['KEEP', r'\/usr\/bin\/go*'],
  ['KEEP', r'\/usr\/bin\/srun'],
  ['KEEP', r'\/scratch\/*'],
  ['SKIP', r'\/usr\/.*'],
  ['SKIP', r'\/opt\/.*'],
  ['SKIP', r'\/bin\/.*'],
  ['SKIP', r'.*\/tool$'],
]
env_patterns = [ ['KEEP', r'.*'] ]
interval_array = [[0, 1.0], [600, 0.05], [1800, 0.10], [7200, 1.0], [1e308 * 10, 1.0]]
mpi_interval_array = [[0, 1.0], [600, 0.10], [900, 0.20], [1800, 1.0]]
MPI_ALWAYS_RECORD = 128
python_pkg_patterns = [
  { 'k_s': 'SKIP', 'kind': 'path', 'patt': r"^[^/]" },
  { 'k_s': 'SKIP', 'kind': 'name', 'patt': r"^_" },
  { 'k_s': 'SKIP', 'kind': 'name', 'patt': r".*\." },
  { 'k_s': 'KEEP', 'kind': 'path', 'patt': r".*conda/" },
  { 'k_s': 'KEEP', 'kind': 'path', 'patt': r".*/site-packages/" },
  { 'k_s': 'KEEP', 'kind': 'path', 'patt': r"^/u/" },
  { 'k_s': 'SKIP', 'kind': 'path', 'patt': r"^/opt" },
]
`;

function withPy(text: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-imp-'));
  try {
    const p = join(dir, 'Site_config.py');
    writeFileSync(p, text);
    fn(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function convert(text: string) {
  let out!: ReturnType<typeof importXaltConfig>;
  withPy(text, (p) => { out = importXaltConfig(evaluateXaltConfig(p), text, 'Site_config.py'); });
  const parsed = parseSiteConfig(out.toml, 'converted.toml');
  assert.deepEqual(parsed.errors, []);
  return { ...out, cfg: parsed.config! };
}

/**
 * XALT's flex semantics, for comparison: each rule's longest match from position 0 (flex
 * regexes translated only in syntax), the longest wins, ties to the earliest; the list's
 * `.*` default appended.
 */
function flexDecide(rules: readonly [string, string][], fallback: string, s: string): string {
  const all: [string, string][] = [...rules.map(([a, p]): [string, string] => [a, translateFlexPattern(p).pattern.replace(/\$$/, '(?!)')]), [fallback, '.*']];
  const bytes = toByteString(s);
  let best = -1, winner = fallback;
  for (const [action, pattern] of all) {
    const re = new RegExp(`^(?:${pattern})$`);
    for (let len = bytes.length; len > best; len--) {
      if (re.test(bytes.slice(0, len))) { best = len; winner = action; break; }
    }
  }
  return winner;
}

const PROBES = ['/usr/bin/cp', '/usr/bin/cpio', '/bin/cp', '/bin/ls', '/sbin', '/sbin/ip', '/usr/bin/python3.11', '/home/u/R', '/opt/apps/intel19/impi/bin/mpiexec.hydra',
  '/opt/apps/gcc/9/bin/gcc', '/home/u/a.out', '/home/u/git', '/x/mpicc', '/u/alice/a.out', '/u/', '/u', '/sw/spack/x/lmp', '/usr/bin/gcc', '/usr/bin/gcc-12', '/usr/bin/gccc',
  '/usr/bin/go', '/usr/bin/gofmt', '/scratch/x/y', '/scratch/', '/usr/bin/srun', '/opt/x', '/home/r', '/home/rr', '/x/matlab', '/x/matla', '/x/anaconda3/bin/python3',
  '/u/x/build/CMakeFiles/CMakeTmp/cmTC_abc12', '/tmp/conftest', '/x/bin/pip3', '/usr/libexec/platform-python3.6', '/x/tool', '/opt/python-3.9/bin/x'];

test('TACC-style config: converted, valid, decisions identical to XALT flex semantics', () => {
  const { cfg, toml, warnings } = convert(TACC_PY);
  assert.equal(cfg.tracking.mpiAlwaysRecord, 128);
  assert.deepEqual(cfg.sampling.scalar.map((r) => [r.minRuntime, r.probability]), [[0, 1e-4], [1800, 0.01], [7200, 1]]);
  assert.deepEqual(cfg.sampling.mpi.map((r) => r.minRuntime), [0, 900, 1800]);
  assert.equal(cfg.rules.hostDefault, 'SKIP');
  assert.match(toml, /\['KEEP', '\/usr\/bin\/cp'\],/);
  assert.match(toml, /\['SKIP', '\.\*\/conftest'\],/, 'flex quoting becomes an escaped literal');
  const values = evaluateFor(TACC_PY);
  const fs = { realpath: () => undefined };
  for (const p of PROBES) assert.equal(explainPath({ ...cfg, install: { prefix: '' } }, p, [], fs).result, withHeadRules(p, flexDecide(values.path_patterns, 'KEEP', p)), p);
  for (const h of ['c401-102.stampede2.tacc.utexas.edu', 'c401-102', 'login1.x', 'i123-456.y']) assert.equal(explainHost(cfg, h).result, flexDecide(values.hostname_patterns, 'SKIP', h), h);
  for (const e of ['MKL_DEBUG_CPU_TYPE=5', 'I_MPI_PIN_DOMAIN=auto', 'PATH=/bin', '__LMOD=1', 'OMP_NUM_THREADS=2', 'PYTHONPATH=/x', 'HOME=/h']) {
    assert.equal(explainEnv(cfg, e).result, flexDecide(values.env_patterns, 'SKIP', e), e);
  }
  // warnings, rule by rule, with the line in config.py
  const sbin = warnings.find((w) => w.where === 'path_patterns[7]');
  assert.ok(sbin, 'prefix-only /sbin is flagged');
  assert.equal(sbin.line, TACC_PY.split('\n').findIndex((l) => l.includes(String.raw`^\/sbin'`)) + 1);
  assert.match(sbin.message, /matches only this exact path.*did you mean '\/sbin\/\.\*'/);
  assert.ok(warnings.some((w) => w.where === 'env_patterns[5]' && /cannot match any.*'PYTHONPATH=\.\*'/.test(w.message)));
  assert.ok(warnings.some((w) => w.where === 'pre_ingest_patterns[1]' && /truncated it to 0/.test(w.message)));
  assert.ok(!warnings.some((w) => w.where === 'path_patterns[0]'), 'a plain rule has no warning');
});

test('Delta-style config: glob-looking patterns and "$" are warned about, rule by rule', () => {
  const { cfg, warnings } = convert(DELTA_PY);
  const globs = warnings.filter((w) => /looks like a shell glob/.test(w.message)).map((w) => w.where);
  assert.deepEqual(globs, ['path_patterns[1]', 'path_patterns[2]', 'path_patterns[5]', 'path_patterns[7]', 'path_patterns[8]', 'path_patterns[10]']);
  assert.ok(warnings.some((w) => w.where === 'path_patterns[7]' && /did you mean '\/usr\/bin\/gcc\.\*'/.test(w.message)));
  assert.ok(warnings.some((w) => w.where === 'path_patterns[14]' && /XALT never applied this rule; left commented out/.test(w.message)));
  assert.deepEqual(cfg.sampling.scalar.map((r) => r.minRuntime), [0, 600, 1800, 7200]);
  const values = evaluateFor(DELTA_PY);
  const fs = { realpath: () => undefined };
  for (const p of PROBES) {
    assert.equal(explainPath(cfg, p, [], fs).result, withHeadRules(p, flexDecide(values.path_patterns, 'KEEP', p)), p);
  }
  assert.equal(explainPath(cfg, '/usr/bin/gcc-12', [], fs).result, 'SKIP', 'as in XALT: the glob did not cover it');
  assert.equal(explainEnv(cfg, 'GITHUB_TOKEN=x').result, 'SKIP', 'KEEP .* no longer records secrets');
});

test('Python package rules keep XALT re.match semantics (checked with real python3)', () => {
  const { cfg } = convert(DELTA_PY);
  const cases: [string, string][] = [['numpy', '/u/a/conda/lib/python3.11/site-packages/numpy/__init__.py'], ['json', '/opt/py/lib/json/__init__.py'], ['_ssl', '/x/_ssl.so'],
    ['os.path', '/x/os.py'], ['sys', 'built-in'], ['mine', '/u/alice/mine.py'], ['mine', '/home/alice/mine.py'], ['torch', '/sw/x/site-packages/torch/__init__.py']];
  const script = `import json, re, sys\nns = {}\nexec(sys.stdin.read(), ns)\nres = []\nfor name, path in ${JSON.stringify(cases)}:\n  d = 'KEEP'\n  for e in ns['python_pkg_patterns']:\n    if re.match(e['patt'], name if e['kind'] == 'name' else path):\n      d = e['k_s']; break\n  res.append(d)\nprint(json.dumps(res))`;
  const xalt = JSON.parse(execFileSync('python3', ['-c', script], { input: DELTA_PY }).toString()) as string[];
  assert.deepEqual(cases.map(([n, p]) => (keepPackage(cfg, n, p) ? 'KEEP' : 'SKIP')), xalt);
  assert.equal(prefixToFull('^_'), '_.*');
  assert.equal(prefixToFull('numpy$'), 'numpy');
  assert.equal(prefixToFull('a|b'), '(?:a|b).*');
  assert.equal(prefixToFull('[^/|]'), '[^/|].*');
  assert.equal(prefixToFull('(a|b)c'), '(a|b)c.*');
});

test('flex syntax is translated: \\/ escapes, quoted strings, POSIX classes, leading ^', () => {
  assert.equal(translateFlexPattern(String.raw`^\/usr\/bin\/"g++"`).pattern, String.raw`/usr/bin/g\+\+`);
  assert.equal(translateFlexPattern(String.raw`[[:digit:]\/]+\\/x`).pattern, String.raw`[0-9/]+\\/x`);
  assert.match(translateFlexPattern('a/b').notes[0]!, /trailing context/);
});

test('xalt config import: CLI writes TOML, warnings to stderr with file:line; bad python is an error', () => {
  withPy(DELTA_PY, (p) => {
    const out = join(p, '..', 'xalt.toml');
    const r = spawnSync(join(ROOT, 'bin', 'xalt'), ['config', 'import', p, '-o', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const line = DELTA_PY.split('\n').findIndex((l) => l.includes(String.raw`'.*\/r*'`)) + 1;
    assert.ok(r.stderr.includes(`xalt: warning: ${p}:${line}: path_patterns[1]: '.*\\/r*' looks like a shell glob`), r.stderr);
    const check = spawnSync(join(ROOT, 'bin', 'xalt'), ['config', 'check', out], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.ok(readFileSync(out, 'utf8').includes("['PKGS', '.*/python[0-9.]*'],"));
    assert.ok(readFileSync(out, 'utf8').includes("  # ['SKIP', '.*/tool$'],"), 'the rule XALT never applied stays inactive');
    assert.match(r.stderr, /xalt: warning: .*xalt\.toml:\d+: rules\.env\[0\]: KEEP "\.\*" would keep secrets/);
  });
  withPy('path_patterns = [\n  ["KEEP", "x"],\n  oops(\n', (p) => {
    const r = spawnSync(join(ROOT, 'bin', 'xalt'), ['config', 'import', p], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`^xalt: error: ${p}:3: python3 could not evaluate the config: SyntaxError`));
  });
  withPy('import sys\nx = 1\nraise RuntimeError("no")\n', (p) => {
    const r = spawnSync(join(ROOT, 'bin', 'xalt'), ['config', 'import', p], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${p}:3: python3 could not evaluate the config: RuntimeError: no`));
  });
});

test('evaluation has no network and a time limit', () => {
  withPy('import socket\nsocket.create_connection(("127.0.0.1", 3306))\n', (p) => {
    assert.throws(() => evaluateXaltConfig(p), /:2: python3 could not evaluate the config: OSError: network access is disabled/);
  });
  withPy('while True:\n  pass\n', (p) => {
    assert.throws(() => evaluateXaltConfig(p, 'python3', 500), /took longer than/);
  });
});

function evaluateFor(text: string): { path_patterns: [string, string][]; hostname_patterns: [string, string][]; env_patterns: [string, string][] } {
  let v!: Record<string, unknown>;
  withPy(text, (p) => { v = evaluateXaltConfig(p); });
  return v as never;
}

/** xalt's built-in head rules (shells, xalt's own programs) come first, as XALT's head_path_patterns did. */
function withHeadRules(path: string, xaltDecision: string): string {
  return /\/(sh|bash|zsh|xalt(_.*)?)$/.test(path) ? 'SKIP' : xaltDecision;
}
