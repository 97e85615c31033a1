/**
 * Ingest throughput (docs/internals/budgets.md: ≥ 20,000 records/s into SQLite; report MariaDB and PostgreSQL; re-running over
 * an already loaded spool ≤ 10 s per 1,000,000 files).
 *
 * Spools are generated with the real writer (`serializeRecord`, real file names and layout).
 * SQLite figures are medians of several ingests into fresh stores, timed to the store's close
 * (so the last WAL checkpoint counts), by the clock and per CPU-second of the process (all
 * threads; less disturbed by other load on a shared machine).
 * Baselines measured side by side in the same run:
 *  - an XALT-style loader (XALTdb.py's algorithm: a new connection and a transaction per
 *    record, a SELECT per object and env name), on a sample, into the same kind of store;
 *  - for the re-run, reading and parsing every file again (what a loader without a ledger does).
 * XALT 3.2.4's own measured figure (250 records/s) is printed for reference.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openStore } from '../src/db/open-store.js';
import { parseMysqlUrl } from '../src/db/mysql/mysql-store.js';
import { ingestSpools, type IngestOptions } from '../src/ingest/ingest.js';
import { walkSpool } from '../src/ingest/spool-walk.js';
import { pkgRecord, runPair, writeRecord } from '../test/fixtures/records.js';
import { LIB_POOL, makeBenchSpool, makeFilesAndBundles } from './bench-spool.js';

const XALT_MEASURED = 250; // records/s, XALT 3.2.4 on MariaDB on this class of machine
const MYSQL_URL = process.env['XALT_BENCH_MYSQL_URL'] ?? process.env['XALT_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/';
const PG_URL = process.env['XALT_BENCH_PG_URL'] ?? process.env['XALT_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/';

type Obj = Record<string, unknown>;


/** A spool of many small files (packages), for the re-run figure. */
function makeManyFiles(n: number): string {
  const root = mkdtempSync(join(tmpdir(), 'xalt-bench-many-'));
  const pair = runPair();
  const uuid = (pair.end['userT'] as Obj)['run_uuid'] as string;
  for (let i = 0; i < n; i++) writeRecord(root, 'month/hash', pkgRecord(uuid, { package_name: `pkg${i}` }));
  return root;
}

function mysqlUrl(name: string): string {
  const u = new URL(MYSQL_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropMysql(name: string): Promise<void> {
  const p = parseMysqlUrl(MYSQL_URL);
  const c = await mysql.createConnection({ host: p.host, port: p.port, user: p.user, password: p.password });
  await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await c.end();
}

/** XALTdb.py's run_to_db, reduced to its database round trips. */
async function xaltStyleLoad(url: string, files: string[]): Promise<number> {
  const p = parseMysqlUrl(url);
  const t0 = performance.now();
  for (const f of files) {
    const rec = JSON.parse(readFileSync(f, 'utf8')) as Obj;
    if (!rec['userT']) continue;
    const u = rec['userT'] as Record<string, string>;
    const d = rec['userDT'] as Record<string, number>;
    const c = await mysql.createConnection({ host: p.host, port: p.port, user: p.user, password: p.password, database: p.database });
    await c.beginTransaction();
    const [rows] = await c.query(`SELECT run_id, end_time FROM xalt_run WHERE run_uuid = ?`, [u['run_uuid']]);
    if ((rows as unknown[]).length === 0) {
      const [r] = await c.query(`INSERT INTO xalt_run (run_uuid, syshost, \`user\`, exec_path, exec_name, app_name, start_time, end_time, run_time, ingested_at) VALUES (?, ?, ?, ?, 'x', 'x', ?, ?, ?, 0)`,
        [u['run_uuid'], u['syshost'], u['user'], u['exec_path'], d['start_time'], d['end_time'], d['run_time']]);
      const runId = (r as { insertId: number }).insertId;
      for (const [path] of rec['libA'] as [string, string][]) {
        const [o] = await c.query(`SELECT obj_id FROM xalt_object WHERE object_path = ? AND syshost = ?`, [path, u['syshost']]);
        let objId = (o as { obj_id: number }[])[0]?.obj_id;
        if (objId === undefined) {
          const [ins] = await c.query(`INSERT INTO xalt_object (object_key, object_path, syshost, lib_type) VALUES (SHA1(CONCAT(?, ?)), ?, ?, 'so')`, [u['syshost'], path, path, u['syshost']]);
          objId = (ins as { insertId: number }).insertId;
        }
        await c.query(`INSERT IGNORE INTO join_run_object (run_id, obj_id) VALUES (?, ?)`, [runId, objId]);
      }
      for (const [name, value] of Object.entries(rec['envT'] as Record<string, string>)) {
        const [e] = await c.query(`SELECT env_id FROM xalt_env_name WHERE env_name = ?`, [name]);
        let envId = (e as { env_id: number }[])[0]?.env_id;
        if (envId === undefined) envId = ((await c.query(`INSERT INTO xalt_env_name (env_name) VALUES (?)`, [name]))[0] as { insertId: number }).insertId;
        await c.query(`INSERT IGNORE INTO join_run_env (run_id, env_id, env_value) VALUES (?, ?, ?)`, [runId, envId, value]);
      }
    } else {
      await c.query(`UPDATE xalt_run SET end_time = ?, run_time = ? WHERE run_uuid = ?`, [d['end_time'], d['run_time'], u['run_uuid']]);
    }
    await c.commit();
    await c.end();
  }
  return files.length / ((performance.now() - t0) / 1000);
}

/** The same algorithm into SQLite: a connection (an open of the file) and a transaction per record. */
function xaltStyleSqlite(path: string, files: string[]): number {
  const t0 = performance.now();
  for (const f of files) {
    const rec = JSON.parse(readFileSync(f, 'utf8')) as Obj;
    if (!rec['userT']) continue;
    const u = rec['userT'] as Record<string, string>;
    const d = rec['userDT'] as Record<string, number>;
    const db = new Database(path, { timeout: 30_000 });
    db.exec('BEGIN');
    const found = db.prepare(`SELECT run_id FROM xalt_run WHERE run_uuid = ?`).get(u['run_uuid']) as { run_id: number } | undefined;
    if (!found) {
      const runId = Number(db.prepare(`INSERT INTO xalt_run (run_uuid, syshost, "user", exec_path, exec_name, app_name, start_time, end_time, run_time, ingested_at) VALUES (?, ?, ?, ?, 'x', 'x', ?, ?, ?, 0)`)
        .run(u['run_uuid'], u['syshost'], u['user'], u['exec_path'], d['start_time'], d['end_time'], d['run_time']).lastInsertRowid);
      for (const [lib] of rec['libA'] as [string, string][]) {
        const o = db.prepare(`SELECT obj_id FROM xalt_object WHERE object_path = ? AND syshost = ?`).get(lib, u['syshost']) as { obj_id: number } | undefined;
        const objId = o?.obj_id ?? Number(db.prepare(`INSERT INTO xalt_object (object_key, object_path, syshost, lib_type) VALUES (?, ?, ?, 'so')`).run(`${u['syshost']}:${lib}`, lib, u['syshost']).lastInsertRowid);
        db.prepare(`INSERT OR IGNORE INTO join_run_object (run_id, obj_id) VALUES (?, ?)`).run(runId, objId);
      }
      for (const [name, value] of Object.entries(rec['envT'] as Record<string, string>)) {
        const e = db.prepare(`SELECT env_id FROM xalt_env_name WHERE env_name = ?`).get(name) as { env_id: number } | undefined;
        const envId = e?.env_id ?? Number(db.prepare(`INSERT INTO xalt_env_name (env_name) VALUES (?)`).run(name).lastInsertRowid);
        db.prepare(`INSERT OR IGNORE INTO join_run_env (run_id, env_id, env_value) VALUES (?, ?, ?)`).run(runId, envId, value);
      }
    } else {
      db.prepare(`UPDATE xalt_run SET end_time = ?, run_time = ? WHERE run_uuid = ?`).run(d['end_time'], d['run_time'], u['run_uuid']);
    }
    db.exec('COMMIT');
    db.close();
  }
  return files.length / ((performance.now() - t0) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Rate {
  /** records per second by the clock, ingest start to the store closed */
  readonly wall: number;
  /** records per CPU-second of the process (all threads) */
  readonly cpu: number;
  /** records per CPU-second of the main thread (Linux; NaN elsewhere): the pipeline's busiest stage */
  readonly main: number;
}

/** CPU seconds the main thread used so far, from /proc (Node 20 has no per-thread cpuUsage). */
function mainThreadCpu(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** One ingest of `root` into a fresh SQLite store. */
async function sqliteRate(root: string, records: number, opts: IngestOptions): Promise<Rate> {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-bench-db-'));
  const store = await openStore(join(dir, 'xalt.db'));
  try {
    const c0 = process.cpuUsage();
    const m0 = mainThreadCpu();
    const t0 = performance.now();
    const s = await ingestSpools(store, [root], opts);
    await store.close();
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const main = mainThreadCpu() - m0;
    if (s.runs + s.pkgs !== records) throw new Error(`expected ${records} records, loaded ${s.runs + s.pkgs}`);
    return { wall: records / seconds, cpu: records / ((c.user + c.system) / 1e6), main: records / main };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Medians of `n` ingests. */
async function sqliteMedian(root: string, records: number, opts: IngestOptions, n: number): Promise<Rate> {
  const rates: Rate[] = [];
  for (let i = 0; i < n; i++) rates.push(await sqliteRate(root, records, opts));
  return { wall: median(rates.map((r) => r.wall)), cpu: median(rates.map((r) => r.cpu)), main: median(rates.map((r) => r.main)) };
}

/** The XALT-style loader into a fresh SQLite store, on a sample of run files. */
async function sqliteBaseline(root: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-bench-db-'));
  const path = join(dir, 'xalt.db');
  try {
    await (await openStore(path)).close();
    const sample: string[] = [];
    for (const f of walkSpool(root, () => false, () => undefined)) if (f.kind === 'run' && sample.length < 1000) sample.push(f.abs);
    return xaltStyleSqlite(path, sample);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mysqlRates(root: string, records: number): Promise<{ ours: number; xalt: number } | undefined> {
  const name = `xalt_bench_ingest_${process.pid}`;
  const baseName = `xalt_bench_ingest_base_${process.pid}`;
  let store;
  try {
    store = await openStore(mysqlUrl(name), { batchStatements: true });
  } catch (err) {
    process.stdout.write(`  MariaDB: skipped (${(err as Error).message})\n`);
    return undefined;
  }
  try {
    const s = await ingestSpools(store, [root], {});
    if (s.runs + s.pkgs !== records) throw new Error(`expected ${records} records, loaded ${s.runs + s.pkgs}`);
    const base = await openStore(mysqlUrl(baseName));
    await base.close();
    const sample: string[] = [];
    for (const f of walkSpool(root, () => false, () => undefined)) if (f.kind === 'run' && sample.length < 300) sample.push(f.abs);
    const xalt = await xaltStyleLoad(mysqlUrl(baseName), sample);
    return { ours: records / s.seconds, xalt };
  } finally {
    await store.close();
    await dropMysql(name);
    await dropMysql(baseName);
  }
}

/** Records/s of an ingest of `root` into a new PostgreSQL database (dropped afterwards). */
async function postgresRate(root: string, records: number): Promise<number | undefined> {
  const name = `xalt_bench_ingest_${process.pid}`;
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  let store;
  try {
    store = await openStore(url.toString());
  } catch (err) {
    process.stdout.write(`  PostgreSQL: skipped (${(err as Error).message})\n`);
    return undefined;
  }
  try {
    const s = await ingestSpools(store, [root], {});
    if (s.runs + s.pkgs !== records) throw new Error(`expected ${records} records, loaded ${s.runs + s.pkgs}`);
    return records / s.seconds;
  } finally {
    await store.close();
    url.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function rerun(n: number): Promise<void> {
  const root = makeManyFiles(n);
  const dir = mkdtempSync(join(tmpdir(), 'xalt-bench-db-'));
  const store = await openStore(join(dir, 'xalt.db'));
  try {
    const first = await ingestSpools(store, [root], {});
    const t0 = performance.now();
    const again = await ingestSpools(store, [root], {});
    const rerunS = (performance.now() - t0) / 1000;
    if (again.read !== 0 || again.alreadyLoaded !== n) throw new Error(`re-run read ${again.read} files`);
    const t1 = performance.now();
    for (const f of walkSpool(root, () => false, () => undefined)) JSON.parse(readFileSync(f.abs, 'utf8'));
    const rereadS = (performance.now() - t1) / 1000;
    process.stdout.write(`  first ingest of ${fmt(n)} package files: ${fmt(n / first.seconds)} records/s\n`);
    const scaled = n < 1_000_000 ? `; scaled from ${fmt(n)} to keep the bench short, XALT_BENCH_RERUN_FILES=1000000 measures the full size` : '';
    process.stdout.write(`  re-run over ${fmt(n)} loaded files: ${rerunS.toFixed(2)} s = ${(rerunS * 1e6 / n).toFixed(1)} s per 1,000,000 (budget 10 s${scaled})\n`);
    process.stdout.write(`  baseline, reading and parsing every file again: ${rereadS.toFixed(2)} s; ratio ${(rereadS / rerunS).toFixed(1)}x faster\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
}

/** Run the ingest benchmarks and print the figures. */
export async function run(): Promise<void> {
  process.stdout.write(`ingest (2-core machine; generated spools, real record writer; load average ${loadavg()[0]!.toFixed(1)} at the start)\n`);
  const big = makeBenchSpool(8000);
  try {
    const reps = Number(process.env['XALT_BENCH_REPEAT'] ?? 5);
    const cold = await sqliteRate(big.root, big.records, {}); // also warms the JIT and the page cache
    const sqlite = await sqliteMedian(big.root, big.records, {}, reps);
    const workers = await sqliteMedian(big.root, big.records, { jobs: 1 }, reps);
    const base = await sqliteBaseline(big.root);
    process.stdout.write(`  SQLite: ${fmt(sqlite.wall)} records/s over ${fmt(big.records)} records (median of ${reps}; budget 20,000); ${fmt(sqlite.cpu)} records per CPU-second, ${fmt(sqlite.main)} per main-thread CPU-second\n`);
    process.stdout.write(`  SQLite, the first ingest in this process (cold JIT): ${fmt(cold.wall)} records/s; ${fmt(cold.cpu)} records per CPU-second\n`);
    process.stdout.write(`  SQLite, parsing on one worker thread (--jobs 1; the default on 2 cores is none): ${fmt(workers.wall)} records/s; ${fmt(workers.cpu)} records per CPU-second; ratio ${(workers.wall / sqlite.wall).toFixed(2)}x\n`);
    process.stdout.write(`  XALT-style loader into SQLite side by side (a connection and a transaction per record): ${fmt(base)} records/s; ratio ${(sqlite.wall / base).toFixed(0)}x\n`);
    process.stdout.write(`  for reference, XALT 3.2.4's measured ${XALT_MEASURED} records/s (MariaDB): ${(sqlite.wall / XALT_MEASURED).toFixed(0)}x\n`);
  } finally {
    rmSync(big.root, { recursive: true, force: true });
  }
  const both = makeFilesAndBundles(4000, 20);
  try {
    const reps = Number(process.env['XALT_BENCH_REPEAT'] ?? 5);
    const asFiles = await sqliteMedian(both.files, both.records, {}, reps);
    const asBundles = await sqliteMedian(both.bundles, both.records, {}, reps);
    process.stdout.write(`  SQLite, bundles of 20 runs (as xalt-ship writes a job): ${fmt(asBundles.wall)} records/s, ${fmt(asBundles.cpu)} per CPU-second; the same ${fmt(both.records)} records as files side by side: ${fmt(asFiles.wall)} records/s, ${fmt(asFiles.cpu)} per CPU-second; ratio ${(asBundles.wall / asFiles.wall).toFixed(2)}x\n`);
  } finally {
    rmSync(both.files, { recursive: true, force: true });
    rmSync(both.bundles, { recursive: true, force: true });
  }
  const mid = makeBenchSpool(1000);
  try {
    // the three stores one after the other on the same spool, SQLite as the yardstick
    const lite = await sqliteRate(mid.root, mid.records, {});
    process.stdout.write(`  SQLite on the same ${fmt(mid.records)} records as the servers below: ${fmt(lite.wall)} records/s\n`);
    const m = await mysqlRates(mid.root, mid.records);
    if (m) process.stdout.write(`  MariaDB: ${fmt(m.ours)} records/s over ${fmt(mid.records)} records (${(m.ours / lite.wall).toFixed(2)}x SQLite's); XALT-style loader side by side: ${fmt(m.xalt)} records/s; ratio ${(m.ours / m.xalt).toFixed(1)}x\n`);
    const p = await postgresRate(mid.root, mid.records);
    if (p) process.stdout.write(`  PostgreSQL: ${fmt(p)} records/s over ${fmt(mid.records)} records (${(p / lite.wall).toFixed(2)}x SQLite's)\n`);
  } finally {
    rmSync(mid.root, { recursive: true, force: true });
  }
  await rerun(Number(process.env['XALT_BENCH_RERUN_FILES'] ?? 50_000));
  process.stdout.write(`  (load average ${loadavg()[0]!.toFixed(1)} at the end: other jobs on the machine slow every figure above alike; compare the ratios)\n`);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) await run();
