/**
 * Links that bypass the wrapper (-B directories, -fuse-ld=, linkers called directly) are
 * recorded by the collector from inside the linker: link_source "collector", no watermark,
 * and the output's build-id joins the program's runs to the link.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildNative, extract, HELLO_C, HELLO_CXX, HELLO_F90, LIB_C, linkRecords, must, runRecords, sandbox, sha1sum, sh, source, wrapped, wrapperBin,
} from './harness.js';

const bin = wrapperBin();
const { lib } = buildNative();

/** A -B directory whose `ld` is the real linker, as Spack's gcc has. */
function realLdDir(dir: string): string {
  const d = join(dir, 'binutils');
  mkdirSync(d);
  symlinkSync('/usr/bin/ld', join(d, 'ld'));
  return `${d}/`;
}

function checkCollectorLink(staging: string, prog: string, compiler: string) {
  const links = linkRecords(staging);
  assert.equal(links.length, 1, `one link record: ${links.map((l) => l.name).join(' ')}`);
  const r = links[0]!.record;
  const t = r.resultT;
  assert.equal(t.link_source, 'collector');
  assert.equal(t.exec_path, prog);
  assert.equal(t.link_program, compiler);
  assert.equal(t.hash_id, sha1sum(prog));
  assert.equal(t.shared, 'no');
  assert.equal(links[0]!.mode, 0o600);
  const x = extract(prog);
  assert.equal(x.status, 3, 'no watermark without the wrapper');
  assert.equal(x.json.watermark, null);
  assert.equal(t.build_id, x.json.build_id);
  assert.match(t.build_id ?? '', /^[0-9a-f]{16,}$/);
  assert.equal(r.link_line?.[0], compiler);
  return r;
}

describe('links that bypass the wrapper', () => {
  const langs = [
    { compiler: 'gcc', file: 'hello.c', text: HELLO_C, needed: /\/libc\.so\.6$/, out: 'hello from C\n' },
    { compiler: 'g++', file: 'hello.cc', text: HELLO_CXX, needed: /\/libstdc\+\+\.so\.6/, out: 'hello from C++\n' },
    { compiler: 'gfortran', file: 'hello.f90', text: HELLO_F90, needed: /\/libgfortran\.so\.5/, out: ' hello from Fortran\n' },
  ];
  for (const l of langs) {
    it(`${l.compiler} -B <dir with the real ld>, wrapper on COMPILER_PATH: the collector records it; runs join by build-id`, () => {
      const s = sandbox(`bp-${l.compiler}`);
      source(s.dir, l.file, l.text);
      must(l.compiler, ['-c', '-o', 'hello.o', l.file], s.env, s.dir);
      const env = wrapped(s, bin, { LD_PRELOAD: lib });
      must(l.compiler, ['-B', realLdDir(s.dir), '-o', 'prog', 'hello.o'], env, s.dir);
      const prog = join(s.dir, 'prog');
      const r = checkCollectorLink(s.staging, prog, l.compiler);
      const paths = r.linkA.map(([p]) => p);
      assert.ok(paths.some((p) => l.needed.test(p)), `DT_NEEDED resolved into linkA: ${paths.join(' ')}`);
      assert.ok(paths.some((p) => /\/libc\.so$/.test(p)), '-lc from the arguments');
      assert.ok(!paths.some((p) => p.endsWith('.o')));
      // The program's run carries the build-id that joins it to this link.
      const ran = sh(prog, [], { ...s.env, LD_PRELOAD: lib });
      assert.equal(ran.stdout, l.out);
      const run = runRecords(s.staging).find((f) => f.record.userT.exec_path === prog && f.record.userT.end_reason === 'exit');
      assert.ok(run, 'run record');
      assert.equal(run.record.userT.exec_build_id, r.resultT.build_id);
      assert.deepEqual(run.record.xaltLinkT ?? {}, {});
    });
  }

  for (const ld of ['bfd', 'gold', 'lld']) {
    it(`-fuse-ld=${ld} without a wrapper is recorded by the collector`, () => {
      const s = sandbox(`bp-${ld}`);
      source(s.dir, 'hello.c', HELLO_C);
      must('gcc', ['-c', 'hello.c'], s.env, s.dir);
      must('gcc', [`-fuse-ld=${ld}`, '-o', 'prog', 'hello.o'], { ...s.env, LD_PRELOAD: lib }, s.dir);
      checkCollectorLink(s.staging, join(s.dir, 'prog'), 'gcc');
      assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from C\n');
    });
  }

  it('a static link through -B is recorded with the static libc', () => {
    const s = sandbox('bp-static');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-c', 'hello.c'], s.env, s.dir);
    must('gcc', ['-static', '-B', realLdDir(s.dir), '-o', 'prog', 'hello.o'], { ...s.env, LD_PRELOAD: lib }, s.dir);
    const r = checkCollectorLink(s.staging, join(s.dir, 'prog'), 'gcc');
    assert.ok(r.linkA.some(([p]) => p.endsWith('/libc.a')));
  });

  it('ld called directly for a shared library: shared "yes"', () => {
    const s = sandbox('bp-direct');
    source(s.dir, 'answer.c', LIB_C);
    must('gcc', ['-fPIC', '-c', 'answer.c'], s.env, s.dir);
    must('ld', ['-shared', '--build-id', '-o', 'libanswer.so', 'answer.o'], { ...s.env, LD_PRELOAD: lib }, s.dir);
    const links = linkRecords(s.staging);
    assert.equal(links.length, 1);
    assert.equal(links[0]!.record.resultT.shared, 'yes');
    assert.equal(links[0]!.record.resultT.link_source, 'collector');
    assert.equal(links[0]!.record.resultT.build_id, extract(join(s.dir, 'libanswer.so')).json.build_id);
  });

  it('a wrapper marker from further up the tree does not silence the collector', () => {
    const s = sandbox('bp-marker');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-c', 'hello.c'], s.env, s.dir);
    must('gcc', ['-o', 'prog', 'hello.o'], { ...s.env, LD_PRELOAD: lib, XALT_LINK_WRAPPER_PID: '1' }, s.dir);
    assert.equal(linkRecords(s.staging).length, 1);
  });

  it('no record for failed links, partial links and configure probes; their output is unchanged', () => {
    const s = sandbox('bp-none');
    source(s.dir, 'bad.c', 'int missing_function(void);\nint main(void) { return missing_function(); }\n');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-c', 'bad.c', 'hello.c'], s.env, s.dir);
    const env = { ...s.env, LD_PRELOAD: lib };
    const failed = sh('gcc', ['-o', 'prog', 'bad.o'], env, s.dir);
    const plain = sh('gcc', ['-o', 'prog', 'bad.o'], s.env, s.dir);
    assert.notEqual(failed.status, 0);
    assert.deepEqual(failed, plain);
    for (const ld of ['gold', 'lld']) assert.notEqual(sh('gcc', [`-fuse-ld=${ld}`, '-o', 'prog', 'bad.o'], env, s.dir).status, 0);
    must('gcc', ['-r', '-o', 'part.o', 'hello.o'], env, s.dir);
    must('gcc', ['-o', 'conftest', 'hello.o'], env, s.dir);
    assert.deepEqual(linkRecords(s.staging), []);
  });

  it('with tracking off the collector records nothing', () => {
    const s = sandbox('bp-off');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-c', 'hello.c'], s.env, s.dir);
    must('gcc', ['-o', 'prog', 'hello.o'], { ...s.env, LD_PRELOAD: lib, XALT_EXECUTABLE_TRACKING: 'no' }, s.dir);
    assert.deepEqual(linkRecords(s.staging), []);
  });
});
