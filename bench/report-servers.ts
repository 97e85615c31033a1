/**
 * Reports on the database servers: `xalt report overview` (and `libraries`) over the
 * 1,000,000-run bench store (report-data.ts) copied into MariaDB and PostgreSQL, beside the
 * same report on the SQLite store measured in the same run as the baseline. Budget: ≤ 3 s for
 * the whole store and ≤ 1 s for a month, as on SQLite.
 *
 * Servers: XALT_BENCH_MYSQL_URL (else XALT_TEST_MYSQL_URL) and XALT_BENCH_PG_URL (else
 * XALT_TEST_PG_URL); a server not named or not reachable is skipped. The copies are kept in
 * a database named after the data version, so re-runs start at once (a schema change bumps
 * DATA_VERSION, so stale copies are not used; drop the old ones). Wall time (the server does
 * the work): SQLite the median of 3, a server one run.
 */
import { buildReport } from '../src/report/build-report.js';
import { openStore } from '../src/db/open-store.js';
import { tables } from '../src/db/schema-tables.js';
import { rebuildTupleDays } from '../src/db/tuple-day.js';
import type { Queryable, SqlValue, Store } from '../src/db/store.js';
import { benchStore, DATA_VERSION, MONTH, openBenchStore, RUNS } from './report-data.js';

const log = (s: string) => console.log(s);

/**
 * The tables `overview` and `libraries` read, copied in this order (ids kept; runs' objects are
 * read through their library sets). The daily tuples are not among them: SQLite keeps none,
 * so each server computes its own from the copied runs, as `xalt db migrate` would.
 */
const TABLES = ['xalt_object', 'xalt_link', 'xalt_libset', 'xalt_run', 'xalt_pkg', 'xalt_usage_day'] as const;

function serverUrl(kind: 'mysql' | 'postgres'): string | undefined {
  const url = kind === 'mysql' ? process.env['XALT_BENCH_MYSQL_URL'] ?? process.env['XALT_TEST_MYSQL_URL'] : process.env['XALT_BENCH_PG_URL'] ?? process.env['XALT_TEST_PG_URL'];
  if (!url) return undefined;
  const u = new URL(url);
  u.pathname = `/xalt_bench_report_v${DATA_VERSION}`;
  return u.toString();
}

async function copyTable(from: Store, to: Store, table: string): Promise<void> {
  const [first] = await from.all<Record<string, unknown>>(`SELECT * FROM ${table} LIMIT 1`);
  if (!first) return;
  const cols = Object.keys(first);
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  const per = Math.max(1, Math.floor(20_000 / cols.length));
  const list = cols.map(to.dialect.quote).join(', ');
  // pages in key order (the table's id, or its primary key: the order SQLite stores it in)
  const t = tables.find((x) => x.name === table)!;
  const key = t.primaryKey ?? t.columns.filter((c) => c.type === 'id').map((c) => c.name);
  let offset = 0;
  for (;;) {
    const rows = await from.all<Record<string, SqlValue>>(`SELECT * FROM ${table} ORDER BY ${key.map((k) => `"${k}"`).join(', ')} LIMIT ${per * 20} OFFSET ${offset}`);
    if (!rows.length) break;
    offset += rows.length;
    // one transaction per page: a commit per statement would wait for the disk each time
    await to.transaction(async (tx: Queryable) => {
      for (let at = 0; at < rows.length; at += per) {
        const part = rows.slice(at, at + per);
        await tx.run(`INSERT INTO ${table} (${list}) VALUES ${part.map(() => tuple).join(', ')}`, part.flatMap((r) => cols.map((c) => r[c] ?? null)));
      }
    });
  }
}

/** True when `copy` holds as many rows of `table` as `from` (a finished copy of it). */
async function sameCount(from: Store, copy: Store, table: string): Promise<boolean> {
  const [a] = await from.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
  const [b] = await copy.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(a?.n) === Number(b?.n);
}

/** The bench store's copy on a server: made once, then reused. */
async function serverCopy(sqlite: Store, url: string): Promise<Store> {
  const store = await openStore(url);
  const missing: string[] = [];
  for (const t of TABLES) if (!(await sameCount(sqlite, store, t))) missing.push(t);
  const [tuples] = await store.all<{ n: unknown }>('SELECT COUNT(*) AS n FROM xalt_tuple_day');
  if (!missing.length && Number(tuples?.n) > 0) return store;
  log(`  copying the bench store into ${store.location} (once; ${[...missing, 'xalt_tuple_day (computed there)'].join(', ')})…`);
  const t0 = performance.now();
  for (const t of missing) {
    await store.run(`DELETE FROM ${t}`);
    await copyTable(sqlite, store, t);
  }
  await store.transaction((tx) => rebuildTupleDays(tx));
  if (store.dialect.name === 'postgres') {
    // ids were copied: move the identity sequences past them
    for (const [t, id] of [['xalt_object', 'obj_id'], ['xalt_link', 'link_id'], ['xalt_libset', 'libset_id'], ['xalt_run', 'run_id'], ['xalt_pkg', 'pkg_id']]) {
      await store.all(`SELECT setval(pg_get_serial_sequence('${t}', '${id}'), (SELECT COALESCE(MAX(${id}), 1) FROM ${t}))`);
    }
    await store.run('ANALYZE');
  } else {
    for (const t of TABLES) await store.all(`ANALYZE TABLE ${t}`);
  }
  log(`  copied in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return store;
}

async function wall(fn: () => Promise<unknown>, times = 3): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  out.sort((a, b) => a - b);
  return out[out.length >> 1]!;
}

const PERIODS = [{ name: 'month', ...MONTH, budget: 1 }, { name: 'whole store', since: 0, until: 2e9, budget: 3 }] as const;
const KINDS = ['overview', 'libraries'] as const;

export async function run(): Promise<void> {
  const { path } = await benchStore(log);
  const sqlite = await openBenchStore(path);
  const stores: [string, Store][] = [['SQLite', sqlite]];
  try {
    for (const kind of ['mysql', 'postgres'] as const) {
      const url = serverUrl(kind);
      if (!url) {
        log(`  ${kind}: skipped (set XALT_BENCH_${kind === 'mysql' ? 'MYSQL' : 'PG'}_URL)`);
        continue;
      }
      try {
        stores.push([kind === 'mysql' ? 'MariaDB' : 'PostgreSQL', await serverCopy(sqlite, url)]);
      } catch (err) {
        log(`  ${kind}: skipped (${(err as Error).message})`);
      }
    }
    log(`\nxalt report over ${RUNS.toLocaleString('en')} runs, wall seconds (SQLite: median of 3; servers: one run), ratio to SQLite measured in this run; budget ≤ 1 s a month, ≤ 3 s the whole store:`);
    log(`  ${'kind'.padEnd(10)} ${'period'.padEnd(12)} ${stores.map(([n]) => n.padStart(12)).join('')}`);
    for (const kind of KINDS) {
      for (const p of PERIODS) {
        const cells: string[] = [];
        let base = 0;
        for (const [name, store] of stores) {
          const t = (await wall(() => buildReport(store, { kind, since: p.since, until: p.until, top: 20, weighted: true }, Date.now() / 1000), name === 'SQLite' ? 3 : 1)) / 1000;
          if (name === 'SQLite') base = t;
          cells.push(`${t.toFixed(2)} s${name === 'SQLite' ? '' : ` ${(t / base).toFixed(1)}×`}${t <= p.budget ? '' : '!'}`.padStart(12 + (name === 'SQLite' ? 0 : 6)));
        }
        log(`  ${kind.padEnd(10)} ${p.name.padEnd(12)} ${cells.join('')}`);
      }
    }
    log('  (! = over budget)');
  } finally {
    for (const [, s] of stores) await s.close();
  }
}
