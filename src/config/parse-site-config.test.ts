import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSiteConfig } from './parse-site-config.js';
import { EXAMPLE_CONFIG } from './load-site-config.js';
import { locateKeys } from './toml-locator.js';

/** Parse and return the errors, asserting there were some. */
function errorsOf(text: string): readonly string[] {
  const r = parseSiteConfig(text, 'site.toml');
  assert.equal(r.config, undefined, 'expected the config to be rejected');
  assert.ok(r.errors.length > 0);
  return r.errors;
}

test('the example config is valid, frozen, and has the documented defaults', () => {
  const r = parseSiteConfig(readFileSync(EXAMPLE_CONFIG, 'utf8'), 'xalt.example.toml');
  assert.deepEqual(r.errors, []);
  const cfg = r.config!;
  assert.equal(cfg.spool.layout, 'month/hash');
  assert.equal(cfg.spool.transport, 'ship');
  assert.equal(cfg.spool.tmpdir, '/dev/shm');
  assert.equal(cfg.tracking.start, 'staged');
  assert.equal(cfg.tracking.signalHandler, true);
  assert.equal(cfg.tracking.gpu, true);
  assert.deepEqual(cfg.ship, { stateDir: '/var/lib/xalt', maxAgeHours: 24 });
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.rules.paths) && Object.isFrozen(cfg.rules.paths[0]));
  assert.ok(cfg.rules.paths.some((r) => r.action === 'PKGS'));
  assert.ok(cfg.rules.applications.some((a) => a.name === 'GROMACS'));
  assert.match(cfg.fingerprint, /^[0-9a-f]{16}$/);
});

test('an empty file gives the XALT-like defaults', () => {
  const cfg = parseSiteConfig('', 'empty.toml').config!;
  assert.equal(cfg.syshost.kind, 'strip_numbers');
  assert.equal(cfg.tracking.mpiAlwaysRecord, 2);
  assert.deepEqual(cfg.sampling.mpi, cfg.sampling.scalar);
  assert.equal(cfg.rules.pathDefault, 'KEEP');
});

test('a bad regex names file, line, key and the regex problem', () => {
  const errs = errorsOf(`[rules]\npaths = [\n  ['KEEP', '/usr/bin/cp'],\n  ['SKIP', '/usr/(bin'],\n]\n`);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^site\.toml:4: rules\.paths\[1\]\[1\]: bad regex "\/usr\/\(bin": .*/);
});

test('a regex outside the compiled subset is rejected with the reason', () => {
  const errs = errorsOf(`[rules]\nhosts = [['KEEP', 'c(?=1).*'], ['SKIP', '(a)\\1']]\n`);
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /site\.toml:2: rules\.hosts\[0\]\[1\]: regex "c\(\?=1\)\.\*" is outside what the collector can compile: look-around/);
  assert.match(errs[1]!, /escape "\\1" is not supported/);
});

test('a sampling table that does not increase is an error on its row', () => {
  const errs = errorsOf(`[sampling]\nscalar = [\n  [0, 0.1],\n  [600, 0.5],\n  [300, 1.0],\n]\n`);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^site\.toml:5: sampling\.scalar\[2\]\[0\]: run times must increase: 300 is not above 600/);
});

test('a probability outside 0..1 is an error, in tables and pre-ingest rules', () => {
  const errs = errorsOf(`[sampling]\nmpi = [[0, 1.5]]\npre_ingest = [\n  [-0.1, '.*/foo'],\n]\n`);
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^site\.toml:2: sampling\.mpi\[0\]\[1\]: probability 1\.5 is outside 0\.\.1/);
  assert.match(errs[1]!, /^site\.toml:4: sampling\.pre_ingest\[0\]\[0\]: probability -0\.1 is outside 0\.\.1/);
});

test('unknown keys name the valid ones', () => {
  const errs = errorsOf(`[spool]\nprefix = "/scratch/xalt"\nlayuot = "flat"\n\n[trackng]\nmpi = true\n`);
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^site\.toml:5: trackng: unknown key \(valid: syshost, spool, ship, tracking, .*\)/);
  assert.match(errs[1]!, /^site\.toml:3: spool\.layuot: unknown key \(valid: prefix, layout, tmpdir, transport\)/);
});

test('an unknown action names the valid actions of that list', () => {
  const errs = errorsOf(`[rules]\npath_args = [['JUMP_9', '.*;-m']]\npaths = [\n  ['KEPP', '/usr/.*'],\n]\n`);
  assert.equal(errs.length, 2);
  assert.ok(errs.some((e) => /^site\.toml:4: rules\.paths\[0\]\[0\]: unknown action "KEPP" \(valid: PKGS, KEEP, SKIP, CUSTOM\)$/.test(e)));
  assert.ok(errs.some((e) => /^site\.toml:2: rules\.path_args\[0\]\[0\]: unknown action "JUMP_9" \(valid: PKGS, KEEP, SKIP, CONTINUE, JUMP_1, JUMP_2, JUMP_3, JUMP_4\)$/.test(e)));
});

test('bad syshost rules: unknown kind, missing argument, argument of another kind', () => {
  assert.match(errorsOf(`[syshost]\nkind = "dns"\n`)[0]!, /^site\.toml:2: syshost\.kind: "dns" is not allowed \(valid: hardcode, nth_name, read_file, mapping, strip_numbers, env_var\)/);
  assert.match(errorsOf(`[syshost]\nkind = "nth_name"\n`)[0]!, /syshost\.kind: syshost kind "nth_name" needs the key "nth"/);
  const errs = errorsOf(`[syshost]\nkind = "hardcode"\nname = "x"\nnth = 2\n`);
  assert.match(errs[0]!, /^site\.toml:4: syshost\.nth: unknown key \(valid: kind, name\)/);
  assert.match(errorsOf(`[syshost]\nkind = "nth_name"\nnth = 0\n`)[0]!, /site\.toml:3: syshost\.nth: expected an integer >= 1, got 0/);
});

test('bad TOML syntax reports the line from the TOML parser', () => {
  const errs = errorsOf(`[spool]\nprefix = "/x"\nlayout = flat\n`);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^site\.toml:3: TOML syntax: /);
});

test('all issues are reported at once, with wrong types named', () => {
  const errs = errorsOf(`[tracking]\nmpi = "yes"\nstart = "sometimes"\n[rules]\nenv = ["PATH"]\n`);
  assert.equal(errs.length, 3);
  assert.match(errs[0]!, /site\.toml:2: tracking\.mpi: expected true or false, got "yes"/);
  assert.match(errs[1]!, /site\.toml:3: tracking\.start: "sometimes" is not allowed \(valid: mpi, always, staged\)/);
  assert.match(errs[2]!, /site\.toml:5: rules\.env\[0\]: expected \[ACTION, REGEX\]/);
});

test('a KEEP rule that would keep secrets is accepted with a warning', () => {
  const r = parseSiteConfig(`[rules]\nenv = [\n  ['KEEP', '.*'],\n]\n`, 'site.toml');
  assert.ok(r.config);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /^site\.toml:3: rules\.env\[0\]: KEEP "\.\*" would keep secrets such as GITHUB_TOKEN/);
});

test('the key locator finds array elements across lines, strings with brackets and inline tables', () => {
  const lines = locateKeys(`a = 1\n[t]\nx = [ # c ]\n  ['[', "]#"],\n\n  [1, 2],\n]\ny = { p = 1, q = [3] }\n[[arr]]\nk = 1\n[[arr]]\nk = 2\n`);
  assert.equal(lines.get('t.x[0]'), 4);
  assert.equal(lines.get('t.x[1]'), 6);
  assert.equal(lines.get('t.y.q'), 8);
  assert.equal(lines.get('arr[1].k'), 12);
});

test('a glob-looking path pattern is accepted with a warning and a suggestion', () => {
  const r = parseSiteConfig(`[rules]\npaths = [\n  ['KEEP', '/usr/bin/gcc*'],\n  ['SKIP', '/usr/.*'],\n  ['PKGS', '.*/python[0-9.]*'],\n]\n`, 'site.toml');
  assert.ok(r.config);
  assert.deepEqual(r.warnings, ['site.toml:3: rules.paths[0][1]: "/usr/bin/gcc*" looks like a shell glob, but "*" repeats only the character before it; did you mean "/usr/bin/gcc.*"?']);
});
