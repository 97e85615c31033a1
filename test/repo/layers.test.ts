/**
 * Folders depend downward (docs/internals/layout.md): a module imports only from its own
 * folder or from a folder on a lower layer, never upward and never sideways on its layer, so
 * nothing below the CLI can reach into it and the parts stay separable.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '../helpers/source-files.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const src = join(root, 'src');

/** Each part of src/ and its layer: lower layers know nothing of higher ones. */
export const LAYERS: Readonly<Record<string, number>> = {
  'errors.ts': 0,
  schema: 1, 'secure-fs': 1, document: 1, link: 1, demo: 1,
  config: 2,
  db: 3, install: 3,
  ingest: 4, doctor: 4,
  query: 5,
  report: 6,
  web: 7,
  cli: 8,
  'index.ts': 9,
};

/** The part of src/ a path lies in: its first path element under src/. */
const partOf = (file: string): string => relative(src, file).split(sep)[0]!;

/** Relative specifiers of static imports, re-exports and dynamic imports. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
}

test('every part of src/ has a layer', () => {
  const parts = new Set(sourceFiles(src).map(partOf));
  assert.deepEqual([...parts].filter((p) => LAYERS[p] === undefined), []);
});

test('modules import only from their own part or a lower layer', () => {
  const upward: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = partOf(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const to = partOf(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      if (to === from || to.startsWith('..')) continue;
      if (!(LAYERS[to]! < LAYERS[from]!)) upward.push(`${relative(root, file)} imports ${spec} (${from}, layer ${LAYERS[from]} → ${to}, layer ${LAYERS[to]})`);
    }
  }
  assert.deepEqual(upward, []);
});
