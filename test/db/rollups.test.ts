/**
 * Schema 2 derives library sets and daily usage totals from the runs; schema 3 adds scheduler
 * facts and integrity flags, and leaves flagged runs out of the totals. A store of schema 1 or
 * 2 migrated to the latest must end with the schema of a new store and with derived data that
 * equals a reference computed from its runs; rebuilding the data of a few runs (as test
 * fixtures do) must give what rebuilding all of it gives.
 */
import assert from 'node:assert/strict';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from '../../src/db/index.js';
import { refreshLibsets } from '../../src/db/libset.js';
import { rebuildRollups } from '../../src/db/rollups.js';
import { keepsTupleDays } from '../../src/db/tuple-day.js';
import { rebuildUsageDays } from '../../src/db/usage-day.js';
import type { Queryable } from '../../src/db/store.js';
import { storeRows } from '../fixtures/store-rows.js';
import { generatedRuns } from '../fixtures/usage-runs.js';
import { assertLibsetsMatchObjects, assertUsageMatchesRuns } from '../helpers/rollup-check.js';
import { createTestStore, testEachStore } from '../helpers/test-stores.js';

/** The migrations a store at schema `v` gets: every version above it. */
const versionsAfter = (v: number) => Array.from({ length: LATEST_SCHEMA_VERSION - v }, (_, i) => v + 1 + i);

type Row = Record<string, unknown>;

/** Tables with their columns and indexes as the database reports them. */
async function schemaOf(q: Queryable): Promise<Record<string, { columns: unknown[]; indexes: unknown[] }>> {
  const out: Record<string, { columns: unknown[]; indexes: unknown[] }> = {};
  if (q.dialect.name === 'sqlite') {
    for (const t of await q.all<Row>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)) {
      const name = String(t['name']);
      const indexes = await q.all<Row>(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, [name]);
      out[name] = { columns: await q.all(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, [name]), indexes };
    }
    return out;
  }
  if (q.dialect.name === 'postgres') {
    const cols = await q.all<Row>(`SELECT table_name AS t, column_name, data_type, character_maximum_length, is_nullable, column_default, is_identity FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`);
    const idx = await q.all<Row>(`SELECT tablename AS t, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY tablename, indexname`);
    for (const c of cols) (out[String(c['t'])] ??= { columns: [], indexes: [] }).columns.push(c);
    for (const i of idx) out[String(i['t'])]!.indexes.push(i);
    return out;
  }
  const cols = await q.all<Row>(`SELECT table_name AS t, column_name, column_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`);
  const idx = await q.all<Row>(`SELECT table_name AS t, index_name, seq_in_index, column_name, sub_part, non_unique FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index`);
  for (const c of cols) (out[String(c['t'])] ??= { columns: [], indexes: [] }).columns.push(c);
  for (const i of idx) out[String(i['t'])]!.indexes.push(i);
  return out;
}

testEachStore('a store of schema 1 migrated to the latest has exactly the schema of a new store', async (s) => {
  const old = await createTestStore(s.kind, 1);
  try {
    assert.equal(await schemaVersion(old.store), 1);
    const before = await schemaOf(old.store);
    assert.equal(before['xalt_usage_day'], undefined, 'schema 1 has no daily totals');
    assert.deepEqual(await migrate(old.store), versionsAfter(1));
    const migrated = await schemaOf(old.store);
    assert.ok(migrated['xalt_usage_day'] && migrated['xalt_libset'], 'schema 2 tables exist');
    assert.deepEqual(migrated, await schemaOf(s.store));
    assert.equal(await schemaVersion(old.store), LATEST_SCHEMA_VERSION);
  } finally {
    await old.drop();
  }
});

testEachStore('migrating a schema-1 store derives library sets and daily totals that match its runs', async (s) => {
  const old = await createTestStore(s.kind, 1);
  try {
    const rows = storeRows(old.store, { derive: false, schema: 1 });
    for (const run of generatedRuns(11, 250)) await rows.run(run);
    await migrate(old.store);
    await assertLibsetsMatchObjects(old.store);
    await assertUsageMatchesRuns(old.store);
  } finally {
    await old.drop();
  }
});

testEachStore('migrating a schema-2 store flags its owner_mismatch runs, takes them out of the daily totals and keeps its numbers', async (s) => {
  const old = await createTestStore(s.kind, 2);
  try {
    const rows = storeRows(old.store, { derive: false, schema: 2 });
    const runs = generatedRuns(13, 250);
    // schema 2 knew owner_mismatch only; its daily totals counted those runs, and MPI by cores
    for (const run of runs) {
      const { run_id } = await rows.run(run);
      if (run.flags?.length) await old.store.run('UPDATE xalt_run SET owner_mismatch = 1 WHERE run_id = ?', [run_id]);
    }
    await refreshLibsets(old.store); // as ingest at schema 2 kept them
    assert.deepEqual(await migrate(old.store), versionsAfter(2));
    const flagged = await old.store.all<Row>(`SELECT run_id, flags, flagged, cpus_per_task FROM xalt_run WHERE owner_mismatch = 1 ORDER BY run_id`);
    assert.ok(flagged.length > 5, 'some runs were flagged');
    for (const r of flagged) assert.deepEqual([r['flags'], Number(r['flagged']), Number(r['cpus_per_task'])], ['owner_mismatch', 1, 1], `run ${String(r['run_id'])}`);
    assert.equal(Number((await old.store.all<Row>('SELECT COUNT(*) AS n FROM xalt_run WHERE flagged = 1'))[0]!['n']), flagged.length);
    await assertLibsetsMatchObjects(old.store);
    await assertUsageMatchesRuns(old.store);
  } finally {
    await old.drop();
  }
});

testEachStore('migrating a schema-3 store derives the daily tuples of its runs', async (s) => {
  const old = await createTestStore(s.kind, 3);
  try {
    const rows = storeRows(old.store, { derive: false, schema: 3 });
    for (const run of generatedRuns(14, 250)) await rows.run(run);
    await refreshLibsets(old.store); // as ingest at schema 3 kept them, and the daily totals
    await rebuildUsageDays(old.store);
    assert.deepEqual(await migrate(old.store), versionsAfter(3));
    const [n] = await old.store.all<Row>('SELECT COUNT(*) AS n FROM xalt_tuple_day');
    if (keepsTupleDays(old.store.dialect)) assert.ok(Number(n!['n']) > 100, 'tuples were derived');
    else assert.equal(Number(n!['n']), 0, 'SQLite keeps no daily tuples');
    await assertUsageMatchesRuns(old.store);
  } finally {
    await old.drop();
  }
});

testEachStore('deriving run by run (as fixtures do) gives what deriving every run at once gives', async (s) => {
  const rows = storeRows(s.store);
  for (const run of generatedRuns(12, 150)) await rows.run(run);
  await assertLibsetsMatchObjects(s.store);
  await assertUsageMatchesRuns(s.store);
  await s.store.transaction((tx) => rebuildRollups(tx));
  await assertLibsetsMatchObjects(s.store);
  await assertUsageMatchesRuns(s.store);
});
