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

/** Each run's library set as the object keys it lists (ids differ between stores), by run uuid. */
async function runLibsets(store: Store): Promise<Record<string, string[]>> {
  const keyOf = new Map((await store.all<{ obj_id: unknown; object_key: string }>('SELECT obj_id, object_key FROM xalt_object')).map((o) => [Number(o.obj_id), o.object_key]));
  const rows = await store.all<{ run_uuid: string; obj_ids: string | null }>('SELECT r.run_uuid, l.obj_ids FROM xalt_run r LEFT JOIN xalt_libset l ON l.libset_id = r.libset_id ORDER BY r.run_uuid');
  return Object.fromEntries(rows.map((r) => [r.run_uuid, r.obj_ids === null ? [] : r.obj_ids.split(',').map((id) => keyOf.get(Number(id))!).sort()]));
}

/** Every row a load leaves, without ids and times, in a stable order: for comparing two stores. */
export async function storeDump(store: Store): Promise<Record<string, unknown>> {
  type Obj = Record<string, unknown>;
  const strip = (rows: Obj[], ...cols: string[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !cols.includes(k)).map(([k, v]) => [k, v === null ? null : String(v)])));
  return {
    runs: strip(await store.all(`SELECT * FROM xalt_run ORDER BY run_uuid`), 'run_id', 'ingested_at', 'libset_id'),
    objects: await store.all(`SELECT r.run_uuid, o.object_key FROM join_run_object j JOIN xalt_run r ON r.run_id = j.run_id JOIN xalt_object o ON o.obj_id = j.obj_id ORDER BY r.run_uuid, o.object_key`),
    libsets: await runLibsets(store),
    env: await store.all(`SELECT r.run_uuid, e.env_name, j.env_value FROM join_run_env j JOIN xalt_run r ON r.run_id = j.run_id JOIN xalt_env_name e ON e.env_id = j.env_id ORDER BY r.run_uuid, e.env_name`),
    pkgs: strip(await store.all(`SELECT * FROM xalt_pkg ORDER BY run_uuid, pkg_name`), 'pkg_id'),
    links: strip(await store.all(`SELECT * FROM xalt_link ORDER BY uuid`), 'link_id', 'ingested_at'),
    ledger: await store.all(`SELECT path, status, size, mtime FROM xalt_ingested_file ORDER BY path`),
    quarantine: await store.all(`SELECT path, reason, detail, stored_as FROM xalt_quarantine ORDER BY path, reason`),
  };
}
