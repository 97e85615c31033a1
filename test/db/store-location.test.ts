import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeFromConfig, storeLocation } from '../../src/db/store-location.js';

test('every command finds its store the same way: --db, else $XALT_DB, else the config', () => {
  const env = { XALT_DB: 'postgresql://xalt@db/env' };
  assert.equal(storeLocation('/a.db', 'mysql://xalt@db/config', env), '/a.db');
  assert.equal(storeLocation(undefined, 'mysql://xalt@db/config', env), 'postgresql://xalt@db/env');
  assert.equal(storeLocation(undefined, 'mysql://xalt@db/config', {}), 'mysql://xalt@db/config');
  assert.equal(storeLocation('', 'c.db', { XALT_DB: '' }), 'c.db', 'an empty value names nothing');
  assert.equal(storeFromConfig(undefined, {}), true);
  assert.equal(storeFromConfig(undefined, env), false);
  assert.equal(storeFromConfig('/a.db', {}), false);
  assert.throws(() => storeLocation(undefined, undefined, {}), (err: Error & { code?: string }) => err.code === 'XALT_NO_STORE' && /no store given/.test(err.message));
});
