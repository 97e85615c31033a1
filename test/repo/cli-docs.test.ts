import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderCliDocs } from '../../scripts/gen-cli-docs.js';

test('docs/cli.md matches the command table (regenerate: node dist/scripts/gen-cli-docs.js)', () => {
  const committed = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
  assert.equal(committed, renderCliDocs());
});
