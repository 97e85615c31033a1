/** Helpers for ingest tests: run the CLI in-process or as a child, count rows. */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import type { Store } from '../../src/db/store.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Run `xalt ARGS` in this process. */
export async function xalt(...args: string[]): Promise<CliResult> {
  const out = collect();
  const err = collect();
  const code = await runCli(args, out.stream, err.stream);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

export const XALT_BIN = fileURLToPath(new URL('../../../bin/xalt', import.meta.url));

/** Run `bin/xalt ARGS` as a child process. */
export function xaltChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XALT_BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** COUNT(*) of a table, optionally with a WHERE clause. */
export async function count(store: Store, table: string, where = '1=1', params: (string | number)[] = []): Promise<number> {
  const rows = await store.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(rows[0]?.n ?? 0);
}

/** Every table's row count, for comparing two stores. */
export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const names = ['xalt_run', 'xalt_link', 'xalt_pkg', 'xalt_object', 'join_run_object', 'xalt_env_name', 'join_run_env', 'join_link_object', 'xalt_function', 'join_link_function', 'xalt_ingested_file', 'xalt_quarantine'];
  const out: Record<string, number> = {};
  for (const n of names) out[n] = await count(store, n);
  return out;
}
