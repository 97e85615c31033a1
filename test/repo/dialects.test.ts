/**
 * SQL that differs between databases lives in src/db/<db>/ behind the Dialect interface:
 * code elsewhere asks the dialect (`dialect.day(…)`, `dialect.capabilities`, …) and never
 * branches on which database it talks to, nor writes one database's syntax itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '../helpers/source-files.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** What only a dialect may say: a database's name compared, or its own syntax. */
const DIALECT_ONLY = [
  /dialect\.name/, /===? '(mysql|sqlite|postgres)'/, /!==? '(mysql|sqlite|postgres)'/,
  /INDEXED BY/, /PRAGMA/i, /9223372036854775807/, /INSERT (OR )?IGNORE/i, /GROUP_CONCAT|string_agg/i, /GET_LOCK/i, /sqlite_master/,
];

test('no code outside src/db/ branches on the database or writes one database\'s syntax', () => {
  const found: string[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const rel = relative(root, file);
    if (rel.startsWith(join('src', 'db'))) continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/^\s*(\*|\/\/).*$/, ''); // comments may name them
      for (const re of DIALECT_ONLY) if (re.test(code)) found.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});
