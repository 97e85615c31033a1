import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompiledRules, uuidDraw } from './ingest-rules.js';
import { uuid7 } from '../schema/index.js';

test('rules match the whole path, first match decides; defaults are 1 and the base name', () => {
  const r = new CompiledRules({
    preIngest: [{ probability: 0, pattern: '.*/foobar' }, { probability: 0.01, pattern: '.*/BAZ' }, { probability: 0.5, pattern: '.*' }],
    applications: [{ name: 'LAMMPS', pattern: '.*/lmp_[a-z]+' }],
  });
  assert.equal(r.preIngestProbability('/x/foobar'), 0);
  assert.equal(r.preIngestProbability('/x/foobar2'), 0.5, 'no partial match');
  assert.equal(r.preIngestProbability('/x/BAZ'), 0.01);
  assert.equal(r.appName('/sw/lammps/bin/lmp_mpi'), 'LAMMPS');
  assert.equal(r.appName('/home/a/bin/a.out'), 'a.out');
  assert.equal(new CompiledRules().preIngestProbability('/anything'), 1);
});

test('the pre-ingest draw is a stable uniform function of the run uuid', () => {
  const u = uuid7();
  assert.equal(uuidDraw(u), uuidDraw(u));
  const draws = Array.from({ length: 2000 }, () => uuidDraw(uuid7()));
  const below = draws.filter((d) => d < 0.25).length;
  assert.ok(below > 350 && below < 650, `about a quarter below 0.25, got ${below}/2000`);
  assert.ok(draws.every((d) => d >= 0 && d < 1));
});
