import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModuleLookup, parseReverseMap } from './reverse-map.js';

test('xalt_rmapT.json: longest matching ancestor directory wins', () => {
  const m = new ModuleLookup(parseReverseMap(JSON.stringify({
    reverseMapT: { '/opt/apps/mpich/3.3/bin': 'mpich/3.3(gcc/9.3.0)', '/opt/apps': 'apps-tree', '/opt/apps/mpich/3.3/lib/': 'mpich/3.3' },
    xlibmap: ['libmpi.so'],
  }), 'x.json'));
  assert.equal(m.moduleOf('/opt/apps/mpich/3.3/bin/mpirun'), 'mpich/3.3(gcc/9.3.0)');
  assert.equal(m.moduleOf('/opt/apps/mpich/3.3/lib/deep/libmpi.so.12'), 'mpich/3.3', 'trailing slash in the key is ignored; ancestors match');
  assert.equal(m.moduleOf('/opt/apps/other/bin/x'), 'apps-tree');
  assert.equal(m.moduleOf('/usr/bin/ls'), null);
  assert.equal(m.moduleOf('a.out'), null, 'relative paths have no module');
});

test('jsonReverseMapT.json: pkg with its first non-default flavor', () => {
  const d = parseReverseMap(JSON.stringify({ timestampFn: 1, reverseMapT: {
    '/opt/fftw/bin': { pkg: 'fftw/3.3', kind: 'bin', flavor: ['default', 'default:gcc/9.3.0'] },
    '/opt/gcc/bin': { pkg: 'gcc/9.3.0', kind: 'bin', flavor: ['default'] },
  } }), 'j.json');
  assert.equal(d.dirs['/opt/fftw/bin'], 'fftw/3.3(gcc/9.3.0)');
  assert.equal(d.dirs['/opt/gcc/bin'], 'gcc/9.3.0');
});

test('a reverse map that is not one says so', () => {
  assert.throws(() => parseReverseMap('{"x":1}', 'bad.json'), /bad\.json: no "reverseMapT" object/);
  assert.throws(() => parseReverseMap('{', 'trunc.json'), /trunc\.json: not JSON/);
});
