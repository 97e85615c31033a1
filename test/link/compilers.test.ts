/**
 * Compiler detection by walking the process tree, as XALT does: the first ancestor that is
 * not a linker, collect2 or a shell; language drivers (rustc, nvcc) above it take over; an
 * MPI wrapper above it gives `mpicc(gcc)` with path `gcc:<gcc path>`.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildNative, HELLO_C, linkRecords, must, sandbox, sh, source, wrapped, wrapperBin } from './harness.js';

const bin = wrapperBin();
const { lib } = buildNative();
const RUSTC = ['/root/.cargo/bin/rustc', '/usr/bin/rustc', '/usr/local/bin/rustc'].find((p) => existsSync(p));
const NVCC = ['/usr/local/bin/nvcc', '/usr/local/cuda/bin/nvcc'].find((p) => existsSync(p));

describe('compiler detection', () => {
  it('an MPI wrapper above gcc: mpicc(gcc), gcc:<path>', () => {
    const s = sandbox('cc-mpi');
    const mpibin = join(s.dir, 'mpi');
    must('mkdir', [mpibin], s.env);
    // An MPI compiler wrapper as MPICH and Open MPI ship them: a script that runs the real compiler.
    writeFileSync(join(mpibin, 'mpicc'), '#!/bin/sh\ngcc "$@"\nexit $?\n');
    chmodSync(join(mpibin, 'mpicc'), 0o755);
    source(s.dir, 'hello.c', HELLO_C);
    const env = wrapped(s, bin);
    must(join(mpibin, 'mpicc'), ['-o', 'prog', 'hello.c'], { ...env, PATH: `${mpibin}:${env.PATH}` }, s.dir);
    const [link] = linkRecords(s.staging);
    assert.equal(link?.record.resultT.link_program, 'mpicc(gcc)');
    assert.match(link?.record.resultT.link_path ?? '', /^gcc:\/.*gcc[^/]*$/);
    assert.equal(link?.record.link_line?.[0], 'gcc');
  });

  it('rustc links through cc and its own lld: link_program rustc', { skip: !RUSTC && 'no rustc on this machine' }, () => {
    const s = sandbox('cc-rust');
    source(s.dir, 'hello.rs', 'fn main() { println!("hello from Rust"); }\n');
    const env = { ...wrapped(s, bin, { LD_PRELOAD: lib }), HOME: '/root', PATH: `${bin}:${RUSTC!.replace(/\/rustc$/, '')}:/usr/bin:/bin` };
    must(RUSTC!, ['-o', 'prog', 'hello.rs'], env, s.dir);
    const links = linkRecords(s.staging);
    assert.equal(links.length, 1);
    assert.equal(links[0]!.record.resultT.link_program, 'rustc');
    assert.equal(sh(join(s.dir, 'prog'), [], s.env).stdout, 'hello from Rust\n');
  });

  it('nvcc links with g++: link_program nvcc', { skip: !NVCC && 'no nvcc on this machine' }, () => {
    const s = sandbox('cc-nvcc');
    source(s.dir, 'k.cu', '#include <cstdio>\n__global__ void k() {}\nint main() { printf("hello from CUDA\\n"); return 0; }\n');
    must(NVCC!, ['-o', 'prog', 'k.cu'], wrapped(s, bin), s.dir);
    const links = linkRecords(s.staging);
    assert.equal(links.length, 1);
    assert.equal(links[0]!.record.resultT.link_program, 'nvcc');
    assert.ok(links[0]!.record.linkA.some(([p]) => /libcudart/.test(p)), 'the CUDA runtime in linkA');
  });
});
