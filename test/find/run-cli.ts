/** Run the xalt CLI in-process and capture what it writes (faster than spawning for many cases). */
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(chunks: string[]): Writable {
  return new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
}

/** `xalt ...argv` with stdout/stderr captured. */
export async function xalt(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, sink(out), sink(err));
  return { code, stdout: out.join(''), stderr: err.join('') };
}
