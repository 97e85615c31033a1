import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './c-harness.js';

const XALT = join(ROOT, 'bin', 'xalt');

function xalt(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(XALT, args, { encoding: 'utf8', env: { ...process.env, XALT_CONFIG: '', XALT_DIR: '', ...env }, cwd: tmpdir() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withFile(text: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-cli-'));
  try {
    const p = join(dir, 'site.toml');
    writeFileSync(p, text);
    fn(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('config check: the built-in defaults are ok', () => {
  const r = xalt(['config', 'check']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /built-in defaults .*: ok \(fingerprint [0-9a-f]{16}; host \d+ rules/);
});

test('config check: every problem at once, file:line, exit 2', () => {
  withFile(`[tracking]\nstart = "never"\n[rules]\npaths = [\n  ['KEEP', '(unclosed'],\n]\n`, (p) => {
    const r = xalt(['config', 'check', p]);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, new RegExp(`^xalt: error: ${p}:2: tracking\\.start: "never" is not allowed \\(valid: mpi, always, staged\\)$`));
    assert.match(lines[1]!, new RegExp(`^xalt: error: ${p}:5: rules\\.paths\\[0\\]\\[1\\]: bad regex`));
    assert.match(lines[2]!, /hint: 2 problems in /);
  });
});

test('config check: unreadable file is a one-line runtime error', () => {
  const r = xalt(['config', 'check', '/nonexistent/xalt.toml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^xalt: error: \/nonexistent\/xalt\.toml: cannot read the site configuration: ENOENT/);
});

test('config explain: rule decides → exit 0 with list, rule, line, pattern; default → exit 3', () => {
  withFile(`[rules]\npaths = [\n  ['SKIP', '/usr/.*'],\n]\n`, (p) => {
    const hit = xalt(['config', 'explain', '/usr/lib/foo'], { XALT_CONFIG: p });
    assert.equal(hit.code, 0);
    assert.match(hit.stdout, /paths\s+rules\.paths\[0\]\s+3\s+\/usr\/\.\*\s+\/usr\/lib\/foo\s+SKIP/);
    assert.match(hit.stdout, new RegExp(`result: SKIP \\(decided by rules\\.paths\\[0\\], ${p}:3\\)`));
    const miss = xalt(['config', 'explain', '--json', '/home/x/a.out'], { XALT_CONFIG: p });
    assert.equal(miss.code, 3);
    const j = JSON.parse(miss.stdout) as { result: string; decided_by: string };
    assert.deepEqual([j.result, j.decided_by], ['KEEP', 'default']);
  });
});

test('config explain --env refuses secrets; a broken config is reported by explain too', () => {
  const r = xalt(['config', 'explain', '--env', 'SLURM_AUTH_TOKEN=abc']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /result: SKIP \(decided by built-in rule \(names containing TOKEN/);
  withFile(`[spool]\nlayout = "tree"\n`, (p) => {
    const bad = xalt(['config', 'explain', '--host', 'c1'], { XALT_CONFIG: p });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /site\.toml:2: spool\.layout: "tree" is not allowed \(valid: month\/hash, hash, flat, home\)/);
  });
});

test('config explain: a script is explained by its interpreter, with the script as first argument', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-cli-'));
  try {
    const bin = join(dir, 'bin');
    const script = join(dir, 'proj', 'run.py');
    spawnSync('mkdir', ['-p', bin, join(dir, 'proj')]);
    // a fake interpreter found through PATH and /usr/bin/env, as on a real system
    writeFileSync(join(bin, 'mypython'), '');
    spawnSync('chmod', ['+x', join(bin, 'mypython')]);
    writeFileSync(script, '#!/usr/bin/env mypython\nprint(1)\n');
    spawnSync('chmod', ['+x', script]);
    const cfg = join(dir, 'site.toml');
    writeFileSync(cfg, `[rules]\npaths = [['CUSTOM', '.*/mypython']]\npath_args = [['PKGS', '.*/mypython;${dir}/proj/.*']]\n`);
    const r = xalt(['config', 'explain', '--json', script], { XALT_CONFIG: cfg, PATH: `${bin}:/usr/bin:/bin` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: .*run\.py is a script: the collector sees its interpreter .*\/bin\/mypython/);
    const j = JSON.parse(r.stdout) as { result: string; steps: { input: string }[] };
    assert.equal(j.result, 'PKGS');
    assert.equal(j.steps[1]!.input, `${join(bin, 'mypython')};${script}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config check: rules that can never decide are reported exactly, with their line', () => {
  withFile(`[rules]\npaths = [\n  ['SKIP', '/usr/.*'],\n  ['KEEP', '/usr/bin/cp'],\n  ['KEEP', '/bin/bash'],\n  ['PKGS', '.*/python3'],\n  ['KEEP', '/usr/bin/cpio|/opt/x'],\n]\n`, (p) => {
    const r = xalt(['config', 'check', p]);
    assert.equal(r.code, 0);
    const shadowed = r.stderr.split('\n').filter((l) => l.includes('never decides'));
    assert.deepEqual(shadowed.map((l) => l.replace(`${p}:`, 'F:').replace(/ never decides.*/, '')), [
      'xalt: warning: F:4: rules.paths[1]: KEEP "/usr/bin/cp"',
      'xalt: warning: F:5: rules.paths[2]: KEEP "/bin/bash"',
    ], 'the python rule still decides /opt/python3, and the last rule still decides /opt/x');
  });
});
