/**
 * The dashboard needs a credential even on loopback: any account on the admin host, or
 * anyone holding an `ssh -L` tunnel to it, can connect to 127.0.0.1. `xalt serve` run as a
 * person would run it: without a token it makes one and prints it; a token file others can
 * read is refused; a malformed cookie is a 400, never a 500.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { createTestStore } from '../helpers/test-stores.js';
import { xalt } from '../find/run-cli.js';
import { serveDashboard } from '../helpers/serve-dashboard.js';

async function stop(child: ChildProcess): Promise<void> {
  const ended = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await ended;
}

test('on loopback without a token, xalt serve makes one, prints it, and refuses every request without it', async () => {
  const s = await createTestStore('sqlite');
  const { child, url } = await serveDashboard(['--db', s.url]);
  try {
    const token = url.searchParams.get('token') ?? '';
    assert.ok(token.length >= 24, `a long random token in ${url.href}`);
    const base = `${url.protocol}//${url.host}`;
    const anon = await fetch(`${base}/report/overview`, { redirect: 'manual' });
    assert.equal(anon.status, 401);
    const wrong = await fetch(`${base}/report/overview`, { headers: { authorization: `Bearer ${token}x` } });
    assert.equal(wrong.status, 401);
    const bearer = await fetch(`${base}/report/overview`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 200);
    const viaUrl = await fetch(url, { redirect: 'manual' });
    assert.equal(viaUrl.status, 302, 'the token in the URL is traded for a cookie');
    const cookie = viaUrl.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly; SameSite=Strict/);
    const withCookie = await fetch(`${base}/report/overview`, { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(withCookie.status, 200);
    const malformed = await fetch(`${base}/report/overview`, { headers: { cookie: 'xalt_dashboard_token=%E0%A4%A' } });
    assert.equal(malformed.status, 400, 'a malformed cookie is a bad request');
    assert.doesNotMatch(await malformed.text(), /at .*\.js:\d+/, 'no stack trace');
    const second = await serveDashboard(['--db', s.url]);
    assert.notEqual(second.url.searchParams.get('token'), token, 'each start makes a new token');
    await stop(second.child);
  } finally {
    await stop(child);
    await s.drop();
  }
});

test('a token file must be a regular file of the account or root that no one else can read', async () => {
  const s = await createTestStore('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'xalt-token-'));
  try {
    const file = join(dir, 'token');
    writeFileSync(file, 'a-token-from-a-file-0123456789\n');
    chmodSync(file, 0o644);
    const readable = await xalt('serve', '--db', s.url, '--token-file', file);
    assert.equal(readable.code, 2);
    assert.match(readable.stderr, new RegExp(`--token-file ${file}: mode 644 lets other accounts read or change it`));
    chmodSync(file, 0o600);
    const { child, url } = await serveDashboard(['--db', s.url, '--token-file', file]);
    try {
      assert.equal(url.searchParams.get('token'), 'a-token-from-a-file-0123456789');
      const ok = await fetch(`${url.protocol}//${url.host}/report/overview`, { headers: { authorization: 'Bearer a-token-from-a-file-0123456789' } });
      assert.equal(ok.status, 200);
    } finally {
      await stop(child);
    }
    const missing = await xalt('serve', '--db', s.url, '--token-file', join(dir, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--token-file .*nope: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s.drop();
  }
});
