/**
 * Links that are unusual but real: 32-bit output (the watermark must be assembled for it),
 * paths with spaces, long link lines passed as response files, an unusable $TMPDIR.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extract, HELLO_C, linkRecords, must, sandbox, sh, source, wrapped, wrapperBin } from './harness.js';

const bin = wrapperBin();

describe('unusual links through the wrapper', () => {
  it('a 32-bit shared library (-m elf_i386) gets a 32-bit watermark and a record', () => {
    const s = sandbox('e-32');
    source(s.dir, 'f.c', 'int f(void) { return 1; }\n');
    must('gcc', ['-m32', '-fPIC', '-c', 'f.c'], s.env, s.dir);
    const r = must('ld', ['-m', 'elf_i386', '-shared', '--build-id', '-o', 'lib32.so', 'f.o'], wrapped(s, bin), s.dir);
    assert.equal(r.stderr, '');
    assert.match(must('file', ['lib32.so'], s.env, s.dir).stdout, /ELF 32-bit/);
    const links = linkRecords(s.staging);
    assert.equal(links.length, 1, 'recorded (the watermark object matched the output class)');
    assert.equal(links[0]!.record.resultT.shared, 'yes');
    assert.equal(extract(join(s.dir, 'lib32.so')).json.watermark?.Build_UUID, links[0]!.record.resultT.uuid);
  });

  it('spaces in the directory and output name: recorded and watermarked faithfully', () => {
    const s = sandbox('e-space');
    const dir = join(s.dir, 'my project');
    mkdirSync(dir);
    source(dir, 'hello.c', HELLO_C);
    must('gcc', ['-c', 'hello.c'], s.env, dir);
    must('gcc', ['-o', 'hello world', 'hello.o'], wrapped(s, bin), dir);
    const [link] = linkRecords(s.staging);
    assert.equal(link?.record.resultT.exec_path, join(dir, 'hello world'));
    assert.equal(link?.record.resultT.wd, dir);
    const wm = extract(join(dir, 'hello world')).json.watermark;
    assert.equal(wm?.Build_CWD, dir);
    assert.equal(sh(join(dir, 'hello world'), [], s.env).stdout, 'hello from C\n');
  });

  it('a response file (@file) names the output', () => {
    const s = sandbox('e-rsp');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-c', 'hello.c'], s.env, s.dir);
    writeFileSync(join(s.dir, 'link.rsp'), '-o "from rsp" hello.o\n');
    must('gcc', ['@link.rsp'], wrapped(s, bin), s.dir);
    const [link] = linkRecords(s.staging);
    assert.equal(link?.record.resultT.exec_path, join(s.dir, 'from rsp'));
    assert.equal(sh(join(s.dir, 'from rsp'), [], s.env).stdout, 'hello from C\n');
  });

  it('an unusable $TMPDIR: the watermark is made under /tmp and the link recorded', () => {
    const s = sandbox('e-tmpdir');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-c', 'hello.c'], s.env, s.dir);
    must('gcc', ['-o', 'prog', 'hello.o'], wrapped(s, bin, { TMPDIR: join(s.dir, 'no-such-dir') }), s.dir);
    assert.equal(linkRecords(s.staging).length, 1);
    assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from C\n');
  });
});

describe('link-time optimisation through the wrapper', () => {
  it('-flto: the deleted ltrans objects in the trace never reach the user', () => {
    const s = sandbox('e-lto');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-flto', '-c', 'hello.c'], s.env, s.dir);
    const w = must('gcc', ['-flto', '-o', 'prog', 'hello.o'], wrapped(s, bin), s.dir);
    assert.equal(w.stdout, '');
    assert.equal(w.stderr, '');
    const [link] = linkRecords(s.staging);
    assert.ok(link && !link.record.linkA.some(([p]) => p.includes('ltrans')));
    assert.equal(extract(join(s.dir, 'prog')).json.watermark?.Build_UUID, link.record.resultT.uuid);
    assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from C\n');
  });
});
