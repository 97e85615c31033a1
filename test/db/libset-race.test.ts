/**
 * Two ingesters meeting on the same new library set: the one whose transaction began first
 * must still get the set's id after the other committed it. On MySQL/MariaDB a plain SELECT
 * keeps the transaction's first snapshot and would not see the row its INSERT IGNORE just
 * found there ("library set … was not ensured", seen under load); the locking read does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { libsetIds, libsetText } from '../../src/db/libset.js';
import { openStore } from '../../src/db/open-store.js';
import { createTestStore, storeKinds } from '../helpers/test-stores.js';

for (const kind of storeKinds().filter((k) => k !== 'sqlite')) { // SQLite serialises writers
  test(`a library set committed by another ingester after this transaction began is found [${kind}]`, async () => {
    const s = await createTestStore(kind);
    const other = await openStore(s.url, { migrate: false });
    try {
      const text = libsetText([7, 3, 11]);
      const ids = await s.store.transaction(async (tx) => {
        await tx.all('SELECT COUNT(*) AS n FROM xalt_libset'); // this transaction's snapshot begins here
        const theirs = await other.transaction((tx2) => libsetIds(tx2, [text]));
        assert.ok(theirs.get(text) !== undefined, 'the other ingester stored the set');
        return libsetIds(tx, [text]);
      });
      const stored = (await libsetIds(s.store, [text])).get(text);
      assert.ok(stored !== undefined);
      assert.equal(ids.get(text), stored, 'the set id, though committed after this transaction began');
    } finally {
      await other.close();
      await s.drop();
    }
  });
}
