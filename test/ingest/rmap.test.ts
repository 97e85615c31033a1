import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { luaModulePaths, tclModulePaths } from '../../src/ingest/rmap/modulefile-paths.js';
import { linkRecord, runRecord, spoolDir, writeRecord } from '../fixtures/records.js';
import { testEachStore } from '../helpers/test-stores.js';
import { count, xalt } from './helpers.js';

/** A small Lmod-style tree: Core (gcc Lua, fftw Tcl, cmake via a symlink), gcc → Compiler/gcc/12 (openmpi). */
function moduleTree(): { root: string; mp: string } {
  const root = spoolDir({}, 'xalt-modules-');
  const apps = join(root, 'apps');
  const files: Record<string, string> = {
    'apps/gcc/12.2.0/lib64/libgfortran.so.5': '', 'apps/gcc/12.2.0/lib64/libstdc++.a': '', 'apps/gcc/12.2.0/lib64/README': '',
    'apps/openmpi/4.1/lib/libmpi.so.40.30.1': '',
    'mf/Core/gcc/12.2.0.lua': [
      '-- GCC',
      `local base = "${apps}/gcc/" .. myModuleVersion()`,
      'prepend_path("PATH", pathJoin(base, "bin"))',
      'prepend_path("LD_LIBRARY_PATH", pathJoin(base, "lib64"))',
      `prepend_path("MODULEPATH", "${root}/mf/Compiler/gcc/12")`,
      'family("compiler")',
    ].join('\n'),
    'mf/Core/gcc/.version': '#%Module\nset ModulesVersion 12.2.0\n',
    'mf/Compiler/gcc/12/openmpi/4.1.lua': `local root = '${apps}/openmpi/4.1'\nprepend_path('PATH', root .. '/bin')\nappend_path("LD_LIBRARY_PATH", root .. "/lib")\n`,
    'mf/Core/fftw/3.3': `#%Module1.0\nset root ${apps}/fftw/3.3\nprepend-path PATH $root/bin\nprepend-path LD_LIBRARY_PATH \${root}/no-such-dir\n`,
    'mf/Core/cmake/3.27.lua': `prepend_path("PATH", "${apps}/cmake-link/bin")\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  for (const d of ['gcc/12.2.0/bin', 'openmpi/4.1/bin', 'fftw/3.3/bin', 'cmake-3.27/bin']) mkdirSync(join(apps, d), { recursive: true });
  symlinkSync(join(apps, 'cmake-3.27'), join(apps, 'cmake-link'));
  return { root, mp: join(root, 'mf', 'Core') };
}

test('modulefile readers evaluate the usual Lua and Tcl forms', () => {
  const lua = luaModulePaths('local base = "/opt/x"\nlocal lib = base .. "/lib"\nprepend_path("PATH", pathJoin(base, "bin")) -- c\nappend_path("LD_LIBRARY_PATH", lib .. ":" .. "/opt/y/lib")\nprepend_path("PATH", os.getenv("HOME") .. "/bin")\nsetenv("X_DIR", base)', { fullName: 'x/1' });
  assert.deepEqual(lua, [{ variable: 'PATH', dir: '/opt/x/bin' }, { variable: 'LD_LIBRARY_PATH', dir: '/opt/x/lib' }, { variable: 'LD_LIBRARY_PATH', dir: '/opt/y/lib' }]);
  const tcl = tclModulePaths('#%Module\nset base /opt/t\nprepend-path --delim : PATH "$base/bin"\nappend-path LD_LIBRARY_PATH ${base}/lib\nprepend-path PATH [exec pwd]/bin\nappend-path LD_LIBRARY_PATH {/opt/u/lib}\n', { fullName: 't/2' });
  assert.deepEqual(tcl, [{ variable: 'PATH', dir: '/opt/t/bin' }, { variable: 'LD_LIBRARY_PATH', dir: '/opt/t/lib' }, { variable: 'LD_LIBRARY_PATH', dir: '/opt/u/lib' }]);
});

test('xalt rmap scans a module tree: existing dirs, hierarchy flavors, symlinks, xlibmap', async () => {
  const { root, mp } = moduleTree();
  const env = process.env['LMOD_DIR'];
  delete process.env['LMOD_DIR'];
  try {
    const r = await xalt('rmap', mp);
    assert.equal(r.code, 0, r.stderr);
    const map = JSON.parse(r.stdout) as { reverseMapT: Record<string, string>; xlibmap: string[] };
    const apps = join(root, 'apps');
    assert.deepEqual(map.reverseMapT, {
      [`${apps}/cmake-3.27/bin`]: 'cmake/3.27',
      [`${apps}/cmake-link/bin`]: 'cmake/3.27',
      [`${apps}/fftw/3.3/bin`]: 'fftw/3.3',
      [`${apps}/gcc/12.2.0/bin`]: 'gcc/12.2.0',
      [`${apps}/gcc/12.2.0/lib64`]: 'gcc/12.2.0',
      [`${apps}/openmpi/4.1/bin`]: 'openmpi/4.1(gcc/12.2.0)',
      [`${apps}/openmpi/4.1/lib`]: 'openmpi/4.1(gcc/12.2.0)',
    });
    assert.deepEqual(map.xlibmap, ['libgfortran.so.5', 'libmpi.so.40.30.1', 'libstdc++.a']);
  } finally {
    if (env !== undefined) process.env['LMOD_DIR'] = env;
  }
});

test("xalt rmap uses Lmod's spider when $LMOD_DIR/spider exists", async () => {
  const lmod = spoolDir({}, 'xalt-lmod-');
  const argsFile = join(lmod, 'args');
  writeFileSync(join(lmod, 'spider'), `#!/bin/sh\necho "$@" > ${argsFile}\necho '{"reverseMapT":{"/opt/a/bin":"a/1"},"xlibmap":[]}'\n`);
  chmodSync(join(lmod, 'spider'), 0o755);
  const env = process.env['LMOD_DIR'];
  process.env['LMOD_DIR'] = lmod;
  try {
    const out = join(lmod, 'xalt_rmapT.json');
    const r = await xalt('rmap', '/mf/Core:/mf/Other', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(argsFile, 'utf8').trim(), '-o xalt_rmapT /mf/Core:/mf/Other');
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { reverseMapT: { '/opt/a/bin': 'a/1' }, xlibmap: [] });
  } finally {
    if (env === undefined) delete process.env['LMOD_DIR'];
    else process.env['LMOD_DIR'] = env;
  }
});

testEachStore('ingest --rmap attributes executables, libraries and compilers to modules', async ({ url, store }) => {
  const { root, mp } = moduleTree();
  const env = process.env['LMOD_DIR'];
  delete process.env['LMOD_DIR'];
  const rmapFile = join(root, 'xalt_rmapT.json');
  try {
    assert.equal((await xalt('rmap', mp, '-o', rmapFile, '-q')).code, 0);
  } finally {
    if (env !== undefined) process.env['LMOD_DIR'] = env;
  }
  const apps = join(root, 'apps');
  const spool = spoolDir();
  writeRecord(spool, 'flat', runRecord({ userT: { exec_path: `${apps}/openmpi/4.1/bin/mpirun` }, libA: [[`${apps}/openmpi/4.1/lib/libmpi.so.40.30.1`, '0'], ['/usr/lib64/libc.so.6', '0']] }));
  writeRecord(spool, 'flat', linkRecord({ resultT: { link_path: `${apps}/gcc/12.2.0/bin/gcc` } }));
  const r = await xalt('ingest', '--db', url, '--rmap', root, spool);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await count(store, 'xalt_run', 'module_name = ?', ['openmpi/4.1(gcc/12.2.0)']), 1);
  assert.equal(await count(store, 'xalt_object', 'module_name = ?', ['openmpi/4.1(gcc/12.2.0)']), 1);
  assert.equal(await count(store, 'xalt_object', 'module_name IS NULL'), 4, 'system libraries and link inputs outside modules have none');
  assert.equal(await count(store, 'xalt_link', 'link_module_name = ?', ['gcc/12.2.0']), 1);
});
