/**
 * The wrapper never breaks a build: every case where it must step aside (information
 * options, partial links, configure/CMake probes, tracking off, no helper, no spool) or where
 * the link fails produces exactly what the plain linker produces — same output, same exit
 * status, same files — and no record where XALT writes none.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildNative, extract, HELLO_C, linkRecords, must, runRecords, sandbox, sectionNames, sh, source, wrapped, wrapperBin } from './harness.js';

const bin = wrapperBin();
const { lib } = buildNative();

/** A sandbox holding hello.o (compiled, not linked). */
function withObject(tag: string) {
  const s = sandbox(tag);
  source(s.dir, 'hello.c', HELLO_C);
  must('gcc', ['-c', 'hello.c'], s.env, s.dir);
  return s;
}

describe('the wrapper steps aside', () => {
  for (const [name, real] of [['ld', '/usr/bin/ld'], ['ld.gold', '/usr/bin/ld.gold'], ['ld.lld', '/usr/bin/ld.lld']] as const) {
    for (const args of [['--version'], ['-v'], ['--help'], []]) {
      it(`${name} ${args.join(' ') || '(no arguments)'} behaves exactly like ${real}`, () => {
        const s = sandbox('pass');
        const env = wrapped(s, bin);
        const w = sh(join(bin, name), args, env, s.dir);
        const p = sh(real, args, env, s.dir);
        assert.equal(w.status, p.status);
        assert.equal(w.stdout, p.stdout);
        assert.equal(w.stderr, p.stderr);
        assert.deepEqual(linkRecords(s.staging), []);
      });
    }
  }

  it('a partial link (-r) is passed through: identical object, no watermark, no record', () => {
    const s = withObject('partial');
    source(s.dir, 'two.c', 'int two(void) { return 2; }\n');
    must('gcc', ['-c', 'two.c'], s.env, s.dir);
    must('gcc', ['-r', '-o', 'part.o', 'hello.o', 'two.o'], wrapped(s, bin), s.dir);
    must('gcc', ['-r', '-o', 'plain.o', 'hello.o', 'two.o'], s.env, s.dir);
    assert.ok(readFileSync(join(s.dir, 'part.o')).equals(readFileSync(join(s.dir, 'plain.o'))));
    assert.ok(!sectionNames(join(s.dir, 'part.o')).includes('.xalt'));
    assert.deepEqual(linkRecords(s.staging), []);
  });

  for (const out of ['conftest', 'cmTC_1a2b3', 'cmTryCompileExec42']) {
    it(`a configure/CMake probe (${out}) links plainly, without a record or watermark`, () => {
      const s = withObject(`probe-${out}`);
      must('gcc', ['-o', out, 'hello.o'], wrapped(s, bin), s.dir);
      assert.equal(sh(join(s.dir, out), [], s.env).stdout, 'hello from C\n');
      assert.equal(extract(join(s.dir, out)).json.watermark, null);
      assert.deepEqual(linkRecords(s.staging), []);
    });
  }

  it('with XALT_EXECUTABLE_TRACKING unset the link is plain', () => {
    const s = withObject('off');
    must('gcc', ['-o', 'prog', 'hello.o'], wrapped(s, bin, { XALT_EXECUTABLE_TRACKING: 'no' }), s.dir);
    assert.equal(extract(join(s.dir, 'prog')).json.watermark, null);
    assert.deepEqual(linkRecords(s.staging), []);
  });

  it('without its helper the wrapper runs the real linker', () => {
    const s = withObject('nohelper');
    const lone = join(s.dir, 'lonebin');
    must('mkdir', [lone], s.env);
    copyFileSync(join(bin, 'ld'), join(lone, 'ld'));
    must('chmod', ['755', join(lone, 'ld')], s.env);
    const r = must('gcc', ['-o', 'prog', 'hello.o'], wrapped(s, lone), s.dir);
    assert.equal(r.stderr, '');
    assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from C\n');
    assert.deepEqual(linkRecords(s.staging), []);
  });

  it('never runs itself or another wrapper, even with two wrapper directories on PATH', () => {
    const s = withObject('twice');
    const other = wrapperBin();
    const env = { ...wrapped(s, bin), PATH: `${other}:${bin}:${s.env.PATH}`, COMPILER_PATH: `${other}:${bin}` };
    must('gcc', ['-o', 'prog', 'hello.o'], env, s.dir);
    assert.equal(linkRecords(s.staging).length, 1);
    assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from C\n');
  });

  it('an unusable staging directory costs the record, never the link', () => {
    const s = withObject('nostaging');
    const r = sh('gcc', ['-o', 'prog', 'hello.o'], wrapped(s, bin, { XALT_TMPDIR: join(s.dir, 'missing') }), s.dir);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from C\n');
  });
});

describe('a failing link', () => {
  it('gives the plain link\'s errors and exit status, no record and no leftovers', () => {
    const s = sandbox('fail');
    source(s.dir, 'bad.c', 'int missing_function(void);\nint main(void) { return missing_function(); }\n');
    must('gcc', ['-c', 'bad.c'], s.env, s.dir);
    const w = sh('gcc', ['-o', 'prog', 'bad.o'], wrapped(s, bin), s.dir);
    const p = sh('gcc', ['-o', 'prog', 'bad.o'], s.env, s.dir);
    assert.notEqual(p.status, 0);
    assert.equal(w.status, p.status);
    assert.equal(w.stdout, p.stdout);
    assert.equal(w.stderr, p.stderr);
    assert.match(w.stderr, /undefined reference to `missing_function'/);
    assert.deepEqual(linkRecords(s.staging), []);
    assert.deepEqual(readdirSync(s.tmp).filter((n) => n.startsWith('xalt_ld.')), [], 'temporary directory removed');
  });
});

describe('linker output reaches the user unchanged', () => {
  it('warnings on stderr are the plain link\'s', () => {
    const s = sandbox('warn');
    source(s.dir, 'old.c', 'int old_api(void) { return 0; }\nstatic const char w[] __attribute__((used, section(".gnu.warning.old_api"))) = "old_api is deprecated";\n');
    source(s.dir, 'main.c', 'int old_api(void);\nint main(void) { return old_api(); }\n');
    must('gcc', ['-c', 'old.c', 'main.c'], s.env, s.dir);
    const w = must('gcc', ['-o', 'prog', 'main.o', 'old.o'], wrapped(s, bin), s.dir);
    const p = must('gcc', ['-o', 'plain', 'main.o', 'old.o'], s.env, s.dir);
    assert.match(p.stderr, /old_api is deprecated/);
    assert.equal(w.stderr, p.stderr);
    assert.equal(w.stdout, p.stdout);
    assert.equal(linkRecords(s.staging).length, 1);
  });

  it('options that print to stdout (--verbose) keep their output, and the link is still recorded', () => {
    const s = withObject('stdout');
    const p = must('gcc', ['-o', 'prog', 'hello.o', '-Wl,--verbose'], s.env, s.dir);
    const w = must('gcc', ['-o', 'prog', 'hello.o', '-Wl,--verbose'], wrapped(s, bin), s.dir);
    assert.match(p.stdout, /GNU ld/);
    // The only difference: the lines where the linker opens and loads the watermark object.
    const ours = w.stdout.split('\n').filter((l) => l.includes('/xalt_ld.'));
    assert.ok(ours.length >= 1 && ours.every((l) => l.includes('/xalt.o')), ours.join('\n'));
    assert.equal(w.stdout.split('\n').filter((l) => !l.includes('/xalt_ld.')).join('\n'), p.stdout);
    assert.equal(w.stderr, p.stderr);
    const links = linkRecords(s.staging);
    assert.equal(links.length, 1);
    assert.ok(links[0]!.record.linkA.some(([f]) => /\/libc\.so/.test(f)), 'linkA from the arguments');
    assert.equal(extract(join(s.dir, 'prog')).json.watermark?.Build_UUID, links[0]!.record.resultT.uuid);
  });
});

describe('helpers run outside the collector', () => {
  it('with LD_PRELOAD set: one link record (the wrapper\'s), no run record of the helper or of as', () => {
    const s = withObject('preload');
    must('gcc', ['-o', 'prog', 'hello.o'], wrapped(s, bin, { LD_PRELOAD: lib }), s.dir);
    const links = linkRecords(s.staging);
    assert.equal(links.length, 1);
    assert.equal(links[0]!.record.resultT.link_source, 'wrapper');
    const exes = runRecords(s.staging).map((r) => r.record.userT.exec_path);
    assert.ok(exes.some((e) => /\/(x86_64-linux-gnu-)?ld(\.bfd)?$/.test(e)), `the real linker ran under the collector: ${exes.join(' ')}`);
    assert.ok(!exes.some((e) => /(^|\/)(x86_64-linux-gnu-)?as$|xalt_link$/.test(e)), `helpers untracked: ${exes.join(' ')}`);
    assert.ok(existsSync(join(s.dir, 'prog')));
  });
});
