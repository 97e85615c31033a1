/**
 * `xalt extract`: reads our watermark and XALT's (its generator's exact note layout, and the
 * `.xalt` section when the note is gone), 32-bit objects, and refuses bad input with one
 * line naming the file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseWatermarkStrings, readElfLinkFacts } from '../../src/link/elf-notes.js';
import { extract, HELLO_C, must, ROOT, sandbox, source, WATERMARK_KEYS } from './harness.js';

function xalt(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/xalt'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Assembly as XALT 3.2's xalt_generate_watermark writes it: note section without @note. */
function xaltStyleAsm(values: Record<string, string>): string {
  const strings = Object.entries(values).map(([k, v]) => `\t.asciz "<${k}>%%${v.replaceAll(' ', '_%_%_')}%%"\n`).join('');
  return `\t.section .note.GNU-stack,"",@progbits\n\t.section .xalt\n\t.asciz "XALT_Link_Info"\n\t.byte 0,0,0,0,0,0,0\n${strings}` +
    `\t.byte 0,0,0,0,0,0,0\n\t.asciz "XALT_Link_Info_End"\n` +
    `\t.section .note.xalt.info,"a"\n\t.p2align 2\n\t.long 1f - 0f\n\t.long 3f - 2f\n\t.long 0x746c6158\n0:\t.asciz "XALT"\n1:\t.p2align 2\n` +
    `2:\t.byte 0x02\n\t.asciz "XALT_Link_Info"\n${strings}\t.byte 0,0,0,0,0,0,0\n\t.asciz "XALT_Link_Info_End"\n3:\t.p2align 2\n`;
}

const XALT_VALUES: Record<string, string> = {
  XALT_Version: '3.2.4', Build_host: 'login1.stampede2.tacc.utexas.edu', Build_Syshost: 'stampede2', Build_compiler: 'mpicc(icc)',
  Build_compilerPath: 'icc:/opt/intel/bin/icc', Build_OS: 'Linux 3.10.0', Build_User: 'mclay', Build_UUID: '0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b',
  Build_Year: '2021', Build_date: 'Fri Jul 16 17:32:33 2021', Build_LOADEDMODULES: 'intel/19 impi/19', Build_LMFILES: '/opt/m/intel/19.lua',
  Build_CWD: '/home/mclay/w', Build_Epoch: '1626474753.1234',
};

describe('xalt extract', () => {
  it('parses <Key>%%value%% strings and decodes _%_%_', () => {
    assert.deepEqual(parseWatermarkStrings('XALT_Link_Info\0<Build_UUID>%%abc%%\0\0<Build_date>%%Fri_%_%_Jul%%\0XALT_Link_Info_End'), { Build_UUID: 'abc', Build_date: 'Fri Jul' });
    assert.deepEqual(parseWatermarkStrings('no watermark here'), {});
  });

  it("reads a binary carrying XALT 3.2's watermark, note and section", () => {
    const s = sandbox('ex-xalt');
    source(s.dir, 'hello.c', HELLO_C);
    source(s.dir, 'xalt.s', xaltStyleAsm(XALT_VALUES));
    must('gcc', ['-o', 'prog', 'hello.c', 'xalt.s'], s.env, s.dir);
    const x = extract(join(s.dir, 'prog'));
    assert.equal(x.status, 0);
    assert.deepEqual(x.json.watermark, XALT_VALUES);
    assert.deepEqual(Object.keys(x.json.watermark ?? {}), WATERMARK_KEYS);
    // Without the note, the .xalt section still tells.
    must('objcopy', ['--remove-section', '.note.xalt.info', 'prog', 'prog.nonote'], s.env, s.dir);
    const y = xalt(['extract', '--json', join(s.dir, 'prog.nonote')]);
    assert.equal(y.status, 0);
    assert.deepEqual(JSON.parse(y.stdout).watermark, XALT_VALUES);
    assert.equal(JSON.parse(y.stdout).watermark_source, 'section');
  });

  it('prints a sorted key/value table with the build-id', () => {
    const s = sandbox('ex-text');
    source(s.dir, 'hello.c', HELLO_C);
    source(s.dir, 'xalt.s', xaltStyleAsm(XALT_VALUES));
    must('gcc', ['-Wl,--build-id=sha1', '-o', 'prog', 'hello.c', 'xalt.s'], s.env, s.dir);
    const r = xalt(['extract', join(s.dir, 'prog')]);
    assert.equal(r.status, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^key\s+value$/);
    assert.match(lines.find((l) => l.startsWith('Build_compiler '))!, /^Build_compiler\s+mpicc\(icc\)$/);
    assert.match(lines.at(-1)!, /^build-id\s+[0-9a-f]{40}$/);
    const keys = lines.slice(1, -1).map((l) => l.split(/\s+/)[0]!);
    assert.deepEqual(keys, [...keys].sort((a, b) => a.localeCompare(b)));
  });

  it('reads ELF32 objects', () => {
    const s = sandbox('ex-32');
    source(s.dir, 'xalt.s', xaltStyleAsm(XALT_VALUES));
    must('as', ['--32', '-o', 'xalt32.o', 'xalt.s'], s.env, s.dir);
    const bytes = readFileSync(join(s.dir, 'xalt32.o'));
    assert.equal(bytes[4], 1, 'ELFCLASS32');
    const facts = readElfLinkFacts((o, n) => bytes.subarray(o, o + n));
    assert.deepEqual(facts.watermark, XALT_VALUES);
  });

  it('a binary without a watermark: build-id only, exit 3', () => {
    const s = sandbox('ex-none');
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-Wl,--build-id', '-o', 'prog', 'hello.c'], s.env, s.dir);
    const r = xalt(['extract', join(s.dir, 'prog')]);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /^build-id\s+[0-9a-f]+$/m);
    assert.equal(r.stderr, `xalt: ${join(s.dir, 'prog')}: no xalt watermark (linked without the wrapper)\n`);
  });

  it('bad input: one line naming the file, non-zero exit, no crash', () => {
    const s = sandbox('ex-bad');
    const text = source(s.dir, 'notes.txt', 'just text\n');
    const r1 = xalt(['extract', text]);
    assert.equal(r1.status, 2);
    assert.equal(r1.stderr.split('\n')[0], `xalt: error: ${text}: not an ELF file`);
    const missing = join(s.dir, 'missing');
    const r2 = xalt(['extract', missing]);
    assert.equal(r2.status, 1);
    assert.equal(r2.stderr.split('\n')[0], `xalt: error: ${missing}: no such file`);
    const r3 = xalt(['extract', s.dir]);
    assert.equal(r3.status, 2);
    assert.equal(r3.stderr.split('\n')[0], `xalt: error: ${s.dir}: not a regular file`);
    // Truncated: the first 40 bytes of a real binary.
    source(s.dir, 'hello.c', HELLO_C);
    must('gcc', ['-o', 'prog', 'hello.c'], s.env, s.dir);
    const whole = readFileSync(join(s.dir, 'prog'));
    writeFileSync(join(s.dir, 'short'), whole.subarray(0, 40));
    const r4 = xalt(['extract', join(s.dir, 'short')]);
    assert.equal(r4.status, 2);
    assert.match(r4.stderr.split('\n')[0]!, new RegExp(`^xalt: error: ${join(s.dir, 'short')}: `));
    // Section headers pointing past the end of the file: nothing found, no crash.
    const bad = Buffer.from(whole);
    bad.writeBigUInt64LE(BigInt(whole.length * 4), 40); // e_shoff
    writeFileSync(join(s.dir, 'badshoff'), bad);
    const r5 = xalt(['extract', '--json', join(s.dir, 'badshoff')]);
    assert.equal(r5.status, 3);
    assert.equal(JSON.parse(r5.stdout).watermark, null);
    const r6 = xalt(['extract']);
    assert.equal(r6.status, 2);
    assert.match(r6.stderr, /^xalt: error: xalt extract: expected exactly one BINARY/);
  });
});
