/**
 * A command loads only what it needs (login-node start-up is most of a whole `xalt find`):
 * run the real launcher noting every module loaded, and check that `xalt find` on SQLite
 * loads no MySQL driver, no TOML parser, no report or ingest code, no migrations — while the
 * same notes do show them when a command needs them; and that it opens the store read-only,
 * leaving the file as it was. Both ways the launcher runs the command: the pack `npm run
 * build` makes (dist/src/cli/xalt.cjs, which notes its modules with XALT_TRACE_MODULES), and
 * the ES modules (XALT_NO_BUNDLE=1, noted by a module resolve hook).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/db/open-store.js';
import { storeRows } from '../fixtures/store-rows.js';
import { repoRoot, xaltBin } from '../helpers/run-xalt.js';

type Launch = 'pack' | 'es modules';

/** Run `xalt args…` noting the modules it loads; return the exit status and every module URL (or path) loaded. */
function loadedBy(dir: string, args: readonly string[], launch: Launch): { status: number; urls: string[] } {
  const log = join(dir, `resolved-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const { XALT_DB: _db, XALT_CONFIG: _config, XALT_NO_BUNDLE: _pack, ...outer } = process.env; // the store and config come from args
  if (launch === 'pack') {
    const r = spawnSync(process.execPath, [xaltBin, ...args], { encoding: 'utf8', cwd: dir, env: { ...outer, XALT_TRACE_MODULES: log } });
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    assert.ok(urls.some((u) => u.endsWith('/dist/src/cli/main.js')), 'the launcher ran the pack (npm run build makes it; a tsc since makes it stale)');
    return { status: r.status ?? -1, urls };
  }
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}
`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(`file://${hooks}`)});\n`);
  const r = spawnSync(process.execPath, ['--import', register, xaltBin, ...args], { encoding: 'utf8', cwd: dir, env: { ...outer, XALT_NO_BUNDLE: '1' } });
  return { status: r.status ?? -1, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** (the command table names the report kinds: report-spec.js, a list of names, is read by every command) */
const UNNEEDED_BY_FIND = [/node_modules\/mysql2\//, /node_modules\/smol-toml\//, /\/src\/report\/(?!report-spec\.js)/, /\/src\/ingest\//, /\/src\/config\//, /\/db\/migrations\//, /\/document\/html-page\.js/];

for (const launch of ['pack', 'es modules'] as const) {
  test(`xalt find on a SQLite store loads no MySQL driver, config parser, report, ingest or migration code (${launch})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xalt-loading-'));
    try {
      const db = join(dir, 'store.db');
      const store = await openStore(db);
      await storeRows(store).run({ user: 'alice', exec_path: '/usr/bin/true' });
      await store.close();
      const before = { bytes: readFileSync(db), mtime: statSync(db).mtimeMs };
      const find = loadedBy(dir, ['find', '--db', db, '--user', 'alice'], launch);
      assert.equal(find.status, 0);
      // opened read-only: not switched to WAL and back, the file not written at all
      assert.equal(statSync(db).mtimeMs, before.mtime, 'xalt find wrote the store');
      assert.ok(readFileSync(db).equals(before.bytes), 'xalt find changed the store');
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('store.db-')), [], 'no -wal or -shm left behind');
      assert.ok(find.urls.some((u) => u.includes('node_modules/better-sqlite3/')), 'the hook sees the SQLite driver load');
      for (const unneeded of UNNEEDED_BY_FIND) {
        assert.deepEqual(find.urls.filter((u) => unneeded.test(u)), [], `xalt find loaded ${unneeded}`);
      }
      // the same hook sees them where a command needs them: the check above can fail
      const config = join(dir, 'xalt.toml');
      writeFileSync(config, `[store]\nurl = ${JSON.stringify(db)}\n`);
      const report = loadedBy(dir, ['report', 'overview', '-c', config], launch);
      assert.equal(report.status, 0);
      assert.ok(report.urls.some((u) => u.includes('node_modules/smol-toml/')), 'a store named by the config reads the config');
      assert.ok(report.urls.some((u) => u.includes('/src/report/')), 'report loads the report code');
      const mysql = loadedBy(dir, ['find', '--db', 'mysql://nobody@127.0.0.1:1/none', '--user', 'alice'], launch);
      assert.notEqual(mysql.status, 0);
      assert.ok(mysql.urls.some((u) => u.includes('node_modules/mysql2/')), 'a mysql:// store loads mysql2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`xalt --help loads no command module (${launch})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'xalt-loading-'));
    try {
      const help = loadedBy(dir, ['--help'], launch);
      assert.equal(help.status, 0);
      assert.deepEqual(help.urls.filter((u) => u.includes('/cli/commands/')), []);
      assert.ok(help.urls.some((u) => u.startsWith(`file://${repoRoot}dist/src/cli/`)), 'the hook sees the command table load');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
