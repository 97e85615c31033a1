/**
 * A command loads only what it needs (login-node start-up is most of a whole `xalt find`):
 * run the real launcher with a module hook that notes every module resolved, and check that
 * `xalt find` on SQLite loads no MySQL driver, no TOML parser, no report or ingest code, no
 * migrations — while the same hook does see them when a command needs them; and that it opens
 * the store read-only, leaving the file as it was.
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

/** Run `xalt args…` under a resolve hook; return the exit status and every module URL resolved. */
function loadedBy(dir: string, args: readonly string[]): { status: number; urls: string[] } {
  const log = join(dir, `resolved-${Math.random().toString(36).slice(2)}.txt`);
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
  writeFileSync(log, '');
  const { XALT_DB: _db, XALT_CONFIG: _config, ...outer } = process.env; // the store and config come from args
  const r = spawnSync(process.execPath, ['--import', register, xaltBin, ...args], { encoding: 'utf8', cwd: dir, env: outer });
  return { status: r.status ?? -1, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** (the command table names the report kinds: report-spec.js, a list of names, is read by every command) */
const UNNEEDED_BY_FIND = [/node_modules\/mysql2\//, /node_modules\/smol-toml\//, /\/src\/report\/(?!report-spec\.js)/, /\/src\/ingest\//, /\/src\/config\//, /\/db\/migrations\//, /\/document\/html-page\.js/];

test('xalt find on a SQLite store loads no MySQL driver, config parser, report, ingest or migration code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-loading-'));
  try {
    const db = join(dir, 'store.db');
    const store = await openStore(db);
    await storeRows(store).run({ user: 'alice', exec_path: '/usr/bin/true' });
    await store.close();
    const before = { bytes: readFileSync(db), mtime: statSync(db).mtimeMs };
    const find = loadedBy(dir, ['find', '--db', db, '--user', 'alice']);
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
    const report = loadedBy(dir, ['report', 'overview', '-c', config]);
    assert.equal(report.status, 0);
    assert.ok(report.urls.some((u) => u.includes('node_modules/smol-toml/')), 'a store named by the config reads the config');
    assert.ok(report.urls.some((u) => u.includes('/src/report/')), 'report loads the report code');
    const mysql = loadedBy(dir, ['find', '--db', 'mysql://nobody@127.0.0.1:1/none', '--user', 'alice']);
    assert.notEqual(mysql.status, 0);
    assert.ok(mysql.urls.some((u) => u.includes('node_modules/mysql2/')), 'a mysql:// store loads mysql2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xalt --help loads no command module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-loading-'));
  try {
    const help = loadedBy(dir, ['--help']);
    assert.equal(help.status, 0);
    assert.deepEqual(help.urls.filter((u) => u.includes('/cli/commands/')), []);
    assert.ok(help.urls.some((u) => u.startsWith(`file://${repoRoot}dist/src/cli/`)), 'the hook sees the command table load');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
