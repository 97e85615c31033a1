import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSiteConfig, loadSiteConfig, readSiteConfig, BUILTIN_NAME } from '../../src/config/load-site-config.js';

test('search order: explicit, $XALT_CONFIG, ./xalt.toml, $XALT_DIR/etc/xalt.toml, built-in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xalt-load-'));
  try {
    const cwd = join(dir, 'cwd');
    const install = join(dir, 'inst');
    mkdirSync(cwd);
    mkdirSync(join(install, 'etc'), { recursive: true });
    assert.equal(findSiteConfig(undefined, {}, cwd), undefined);
    writeFileSync(join(install, 'etc', 'xalt.toml'), '');
    assert.equal(findSiteConfig(undefined, { XALT_DIR: install }, cwd), join(install, 'etc', 'xalt.toml'));
    writeFileSync(join(cwd, 'xalt.toml'), '');
    assert.equal(findSiteConfig(undefined, { XALT_DIR: install }, cwd), join(cwd, 'xalt.toml'));
    assert.equal(findSiteConfig(undefined, { XALT_DIR: install, XALT_CONFIG: 'other.toml' }, cwd), join(cwd, 'other.toml'));
    assert.equal(findSiteConfig('/x/explicit.toml', { XALT_CONFIG: 'other.toml' }, cwd), '/x/explicit.toml');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('built-in defaults load when no file is found; an invalid file throws one line per problem', async () => {
  const r = readSiteConfig(undefined, {});
  assert.ok(r.config);
  assert.equal(r.config.file, BUILTIN_NAME);
  const dir = mkdtempSync(join(tmpdir(), 'xalt-load-'));
  try {
    const p = join(dir, 'bad.toml');
    writeFileSync(p, '[spool]\nlayout = "tree"\n[nope]\n');
    await assert.rejects(loadSiteConfig(p), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'XALT_CONFIG_INVALID');
      assert.deepEqual(e.message.split('\n').map((l) => l.replace(`${p}:`, 'F:')), [
        'F:3: nope: unknown key (valid: syshost, spool, ship, tracking, sampling, rules, privacy, container, store, install)',
        'F:2: spool.layout: "tree" is not allowed (valid: month/hash, hash, flat, home)',
      ]);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
