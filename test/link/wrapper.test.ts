/**
 * Links through the ld wrapper: real C, C++ and Fortran programs (dynamic and static) and a
 * shared library, built with the machine's compilers. Each link must leave one valid link
 * record, a watermark that `xalt extract` reads back, a binary that behaves like the plain
 * link's, and — run under the collector — a run record joined to the link by Build_UUID and
 * by build-id.
 */
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildNative, extract, HELLO_C, HELLO_CXX, HELLO_F90, LIB_C, linkRecords, must, runRecords, sandbox, sectionNames, sha1sum, sh, source,
  WATERMARK_KEYS, wrapped, wrapperBin,
} from './harness.js';
import { endRecords, listFiles, prepareSpool } from '../collector/harness.js';
import { linkFileName, recordDir } from '../../src/schema/spool-layout.js';

const bin = wrapperBin();
const { lib } = buildNative();

interface Case {
  lang: string;
  compiler: string;
  file: string;
  text: string;
  expect: string;
  /** a library linkA must list (the language runtime) */
  runtime: RegExp;
}

const CASES: Case[] = [
  { lang: 'C', compiler: 'gcc', file: 'hello.c', text: HELLO_C, expect: 'hello from C\n', runtime: /\/libc\.(so|a)/ },
  { lang: 'C++', compiler: 'g++', file: 'hello.cc', text: HELLO_CXX, expect: 'hello from C++\n', runtime: /\/libstdc\+\+\.(so|a)/ },
  { lang: 'Fortran', compiler: 'gfortran', file: 'hello.f90', text: HELLO_F90, expect: ' hello from Fortran\n', runtime: /\/libgfortran\.(so|a)/ },
];

/** Compile to an object (no link), then link it through the wrapper and plainly. */
function build(c: Case, flags: string[], tag: string) {
  const s = sandbox(tag);
  const src = source(s.dir, c.file, c.text);
  must(c.compiler, ['-c', '-o', join(s.dir, 'hello.o'), src], s.env, s.dir);
  const prog = join(s.dir, 'prog');
  const plain = join(s.dir, 'prog.plain');
  const link = must(c.compiler, ['-o', prog, 'hello.o', ...flags], wrapped(s, bin), s.dir);
  must(c.compiler, ['-o', plain, 'hello.o', ...flags], s.env, s.dir);
  return { s, prog, plain, link };
}

function checkRecord(c: Case, s: ReturnType<typeof sandbox>, prog: string) {
  const links = linkRecords(s.staging);
  assert.equal(links.length, 1, 'one link record');
  const { record: r, name, mode } = links[0]!;
  const t = r.resultT;
  assert.equal(t.link_program, c.compiler);
  assert.match(t.link_path ?? '', /\/[^/]*(gcc|g\+\+|gfortran)[^/]*$/);
  assert.equal(t.exec_path, prog);
  assert.equal(t.hash_id, sha1sum(prog));
  assert.equal(t.wd, s.dir);
  assert.equal(t.build_user, 'tester');
  assert.equal(t.link_source, 'wrapper');
  assert.equal(t.shared, 'no');
  assert.match(t.build_epoch, /^\d+\.\d{4}$/);
  assert.equal(name, `xalt_link.${process.getuid!()}.none.${t.uuid}.json`);
  assert.equal(mode, 0o600);
  assert.equal(r.link_line?.[0], c.compiler);
  assert.ok(r.link_line?.includes('hello.o'), 'link_line is the compiler argv');
  assert.deepEqual(r.function, [], 'function tracking is off by default');
  const paths = r.linkA.map(([p]) => p);
  assert.ok(paths.some((p) => c.runtime.test(p)), `linkA has the ${c.lang} runtime: ${paths.join(' ')}`);
  assert.ok(!paths.some((p) => p.endsWith('.o') || p.startsWith('/tmp/')), 'objects and temporaries are excluded');
  assert.equal(new Set(paths).size, paths.length, 'no duplicates');
  return r;
}

describe('links through the wrapper', () => {
  for (const c of CASES) {
    it(`${c.lang} dynamic: record, watermark, same behaviour, run joined by uuid and build-id`, () => {
      const { s, prog, plain, link } = build(c, [], `w-${c.compiler}`);
      assert.equal(link.stdout, '');
      assert.equal(link.stderr, '');
      const r = checkRecord(c, s, prog);
      const x = extract(prog);
      assert.equal(x.status, 0);
      assert.deepEqual(Object.keys(x.json.watermark ?? {}), WATERMARK_KEYS);
      assert.equal(x.json.watermark?.Build_UUID, r.resultT.uuid);
      assert.equal(x.json.watermark?.Build_compiler, c.compiler);
      assert.equal(x.json.watermark?.Build_Epoch, r.resultT.build_epoch);
      assert.equal(x.json.watermark?.Build_CWD, s.dir);
      assert.equal(x.json.build_id, r.resultT.build_id);
      assert.match(r.resultT.build_id ?? '', /^[0-9a-f]{16,}$/);
      // Same behaviour as the plain link, and the only new sections are the watermark's.
      const a = sh(prog, [], s.env), b = sh(plain, [], s.env);
      assert.deepEqual(a, b);
      assert.equal(a.stdout, c.expect);
      const extra = sectionNames(prog).filter((n) => !sectionNames(plain).includes(n));
      assert.deepEqual(extra.sort(), ['.note.xalt.info', '.xalt']);
      assert.deepEqual(sectionNames(plain).filter((n) => !sectionNames(prog).includes(n)), []);
      // Run under the collector: the run record carries the watermark and the build-id.
      const ran = sh(prog, [], { ...s.env, LD_PRELOAD: lib });
      assert.equal(ran.stdout, c.expect);
      const runs = runRecords(s.staging).filter((f) => f.record.userT.exec_path === prog);
      assert.equal(runs.length, 1);
      const run = runs[0]!.record;
      assert.deepEqual(Object.keys(run.xaltLinkT ?? {}).sort(), [...WATERMARK_KEYS].sort());
      assert.equal(run.xaltLinkT?.Build_UUID, r.resultT.uuid);
      assert.equal(run.userT.exec_build_id, r.resultT.build_id);
      assert.equal(run.hash_id, '', 'transport ship: xalt-ship fills hash_id');
    });

    it(`${c.lang} static: record, watermark, same behaviour`, () => {
      const { s, prog, plain } = build(c, ['-static'], `ws-${c.compiler}`);
      const r = checkRecord(c, s, prog);
      assert.ok(r.linkA.some(([p]) => p.endsWith('/libc.a')), 'static libc in linkA');
      assert.equal(extract(prog).json.watermark?.Build_UUID, r.resultT.uuid);
      assert.match(must('file', [prog], s.env).stdout, /statically linked/);
      const a = sh(prog, [], s.env);
      assert.deepEqual(a, sh(plain, [], s.env));
      assert.equal(a.stdout, c.expect);
    });
  }

  it('a shared library gets a watermark and a record with shared "yes"', () => {
    const s = sandbox('w-shared');
    source(s.dir, 'answer.c', LIB_C);
    must('gcc', ['-fPIC', '-c', 'answer.c'], s.env, s.dir);
    must('gcc', ['-shared', '-o', 'libanswer.so', 'answer.o'], wrapped(s, bin), s.dir);
    const links = linkRecords(s.staging);
    assert.equal(links.length, 1);
    const r = links[0]!.record;
    assert.equal(r.resultT.shared, 'yes');
    assert.equal(r.resultT.exec_path, join(s.dir, 'libanswer.so'));
    assert.equal(extract(join(s.dir, 'libanswer.so')).json.watermark?.Build_UUID, r.resultT.uuid);
    // A program linked against it lists it in linkA.
    source(s.dir, 'main.c', '#include <stdio.h>\nint xalt_test_answer(void);\nint main(void) { printf("%d\\n", xalt_test_answer()); return 0; }\n');
    must('gcc', ['-c', 'main.c'], s.env, s.dir);
    must('gcc', ['-o', 'main', 'main.o', '-L.', '-lanswer', `-Wl,-rpath,${s.dir}`], wrapped(s, bin), s.dir);
    const main = linkRecords(s.staging).find((l) => l.record.resultT.exec_path === join(s.dir, 'main'));
    assert.ok(main?.record.linkA.some(([p]) => p === join(s.dir, 'libanswer.so')));
    assert.equal(sh(join(s.dir, 'main'), [], s.env).stdout, '42\n');
  });

  it('function tracking (XALT_FUNCTION_TRACKING=yes): the functions taken from module libraries', () => {
    const s = sandbox('w-func');
    const modlib = join(s.dir, 'modules/mod/1.0/lib');
    mkdirSync(modlib, { recursive: true });
    source(modlib, 'mod.c', 'int mod_alpha(void) { return 1; }\nint mod_beta(void) { return 2; }\nint mod_unused(void) { return 3; }\n');
    must('gcc', ['-shared', '-fPIC', '-o', join(modlib, 'libmod.so'), join(modlib, 'mod.c')], s.env, s.dir);
    const etc = join(s.dir, 'etc');
    mkdirSync(join(etc, 'reverseMapD'), { recursive: true });
    writeFileSync(join(etc, 'reverseMapD/xalt_rmapT.json'), JSON.stringify({ reverseMapT: { [modlib]: 'mod/1.0' }, xlibmap: ['libother.a', 'libmod.so'] }));
    source(s.dir, 'main.c', '#include <stdio.h>\nint mod_alpha(void); int mod_beta(void);\nint main(void) { printf("%d\\n", mod_alpha() + mod_beta()); return 0; }\n');
    must('gcc', ['-c', 'main.c'], s.env, s.dir);
    const args = ['-o', 'prog', 'main.o', `-L${modlib}`, '-lmod', `-Wl,-rpath,${modlib}`];
    must('gcc', args, wrapped(s, bin, { XALT_FUNCTION_TRACKING: 'yes', XALT_ETC_DIR: etc }), s.dir);
    const [on] = linkRecords(s.staging);
    assert.deepEqual([...(on?.record.function ?? [])].sort(), ['mod_alpha', 'mod_beta']);
    assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, '3\n');
    // Off by default, even with a reverse map.
    const off = sandbox('w-func-off');
    must('gcc', args.map((a) => (a === 'main.o' ? join(s.dir, 'main.o') : a)), wrapped(off, bin, { XALT_ETC_DIR: etc }), off.dir);
    assert.deepEqual(linkRecords(off.staging)[0]?.record.function, []);
  });

  for (const ld of ['gold', 'lld', 'bfd']) {
    it(`-fuse-ld=${ld} finds the ld.${ld} wrapper`, () => {
      const s = sandbox(`w-${ld}`);
      source(s.dir, 'hello.c', HELLO_C);
      must('gcc', ['-c', 'hello.c'], s.env, s.dir);
      must('gcc', [`-fuse-ld=${ld}`, '-o', 'prog', 'hello.o'], wrapped(s, bin), s.dir);
      const links = linkRecords(s.staging);
      assert.equal(links.length, 1);
      assert.equal(extract(join(s.dir, 'prog')).json.watermark?.Build_UUID, links[0]!.record.resultT.uuid);
      assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from C\n');
    });
  }
});

describe('transport direct', () => {
  it('the link record goes into the prepared spool directory of its build epoch and uuid; the run joins it by hash_id', () => {
    const s = sandbox('w-direct');
    prepareSpool(s.spool);
    const directBin = wrapperBin('direct');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-o', 'prog', 'hello.c'], wrapped(s, directBin), s.dir);
    const [link] = linkRecords(s.spool);
    assert.ok(link, 'a link record in the spool');
    const t = link.record.resultT;
    const epoch = Number(t.build_epoch);
    assert.equal(link.path, join(s.spool, recordDir('month/hash', epoch, t.uuid), linkFileName(t.build_syshost, epoch, 'tester', t.uuid)));
    assert.equal(statSync(link.path).mode & 0o777, 0o600);
    assert.deepEqual(listFiles(s.staging).filter((p) => /\/xalt_(link|run)\./.test(p)), [], 'nothing staged');
    must(join(s.dir, 'prog'), [], { ...s.env, LD_PRELOAD: buildNative('direct').lib });
    const [run] = endRecords(s.spool);
    assert.equal(run?.record.hash_id, t.hash_id);
    assert.equal(run?.record.xaltLinkT?.Build_UUID, t.uuid);
  });
});
