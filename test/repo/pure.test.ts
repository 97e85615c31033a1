import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findImpureImports } from '../../scripts/check-pure.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

test('the pure core does no IO (STYLE.md: IO only at named edges)', () => {
  assert.deepEqual(findImpureImports(root), []);
});
