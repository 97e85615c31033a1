/**
 * Secret redaction: the collector's C (native/src/redact.c) and the TypeScript rules ingest
 * applies (src/schema/redact.ts) replace exactly the same text, on crafted cases and on
 * thousands of random arguments built from the characters the rules care about.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { redactArgv, redactEnvValue } from '../../src/schema/redact.js';
import { seededRandom } from '../fixtures/seeded-random.js';

const NATIVE = fileURLToPath(new URL('../../../native/', import.meta.url));
const DRIVER = `#include "internal.h"
#include <stdio.h>
/* argv[1..] as the collector writes cmdlineA, then argv[1] as an environment value. */
int main(int argc, char **argv) {
  struct xalt_jbuf b;
  int next = 0;
  xalt_jbuf_init(&b);
  xalt_jbuf_put(&b, "[", 1);
  for (int i = 1; i < argc; i++) {
    if (i > 1) xalt_jbuf_put(&b, ",", 1);
    xalt_json_arg_redacted(&b, argv[i], strlen(argv[i]), &next);
  }
  xalt_jbuf_put(&b, "]\\n", 2);
  if (argc > 1) xalt_json_env_value_redacted(&b, argv[1], strlen(argv[1]));
  fwrite(b.p, 1, b.len, stdout);
  return 0;
}
`;

let dir: string;
let exe: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'xalt-redact-'));
  exe = join(dir, 'redact');
  writeFileSync(join(dir, 'driver.c'), DRIVER);
  execFileSync('cc', ['-std=c11', '-O1', '-Wall', '-Wextra', '-Werror', '-I', join(NATIVE, 'src'), '-o', exe, join(dir, 'driver.c'),
    join(NATIVE, 'src', 'redact.c'), join(NATIVE, 'src', 'json.c'), join(NATIVE, 'gen', 'site_config.c')], { stdio: ['ignore', 'ignore', 'inherit'] });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function inC(args: string[]): { argv: string[]; env: string } {
  const [argv, env] = execFileSync(exe, args, { encoding: 'utf8' }).split('\n');
  return { argv: JSON.parse(argv!) as string[], env: args.length ? (JSON.parse(env!) as string) : '' };
}

test('what a user would type is redacted as documented, by the C collector and by ingest alike', () => {
  const cases: [string[], string[]][] = [
    [['psql', '--password=hunter2', 'postgres://alice:s3cret@db/x'], ['psql', '--password=<redacted>', 'postgres://alice:<redacted>@db/x']],
    [['tool', '--token', 'abc123', '--verbose'], ['tool', '--token', '<redacted>', '--verbose']],
    [['env', 'DB_PASSWORD=x', 'API_KEY=k', 'PATH=/bin'], ['env', 'DB_PASSWORD=<redacted>', 'API_KEY=<redacted>', 'PATH=/bin']],
    [['curl', '-u', 'me', 'https://me:pw@host:8443/api', 'http://host/no-credentials'], ['curl', '-u', 'me', 'https://me:<redacted>@host:8443/api', 'http://host/no-credentials']],
    [['x', '--Secret:val', '--passwd=', '--auth-method', 'kerberos'], ['x', '--Secret:<redacted>', '--passwd=', '--auth-method', 'kerberos']],
    [['sh', '-c', 'mysql --password=pw1 db; curl --token  tok2 http://h'], ['sh', '-c', 'mysql --password=<redacted> db; curl --token  <redacted> http://h']],
    [['app', '--secret', ''], ['app', '--secret', '<redacted>']],
  ];
  for (const [input, want] of cases) {
    assert.deepEqual(redactArgv(input), want, input.join(' '));
    assert.deepEqual(inC(input).argv, want, `C: ${input.join(' ')}`);
  }
  assert.equal(redactEnvValue('http://proxyuser:proxypass@proxy:3128'), 'http://proxyuser:<redacted>@proxy:3128');
  assert.equal(inC(['http://proxyuser:proxypass@proxy:3128']).env, 'http://proxyuser:<redacted>@proxy:3128');
});

test('C and TypeScript agree on 4,000 random arguments', () => {
  const random = seededRandom(20261207);
  const pieces = ['-', '--', 'password', 'PassWord', 'token', 'x', 'pwd', '=', ':', '//', '://', '@', '/', ' ', '\t', 'a', 'B', '1', '+', '.', '_', 'http', 'é', '日本'];
  const arg = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
  for (let batch = 0; batch < 200; batch++) {
    const args = Array.from({ length: 20 }, arg);
    const c = inC(args);
    assert.deepEqual(c.argv, redactArgv(args), JSON.stringify(args));
    assert.equal(c.env, redactEnvValue(args[0]!), JSON.stringify(args[0]));
  }
});

test('a real program run with secrets on its command line, in its parent and in a kept variable: no secret in the staged record nor in the store', async () => {
  const { compile, run, trackingEnv, endRecords } = await import('../collector/harness.js');
  const lib = join(NATIVE, 'build', 'libxalt.so');
  const exe = compile('hello');
  const t = trackingEnv();
  const script = `"$0" --password=hunter2 postgres://alice:s3cret@db/x --token tok123 ok; true --api-key=parentsecret`;
  const r = run('sh', ['-c', script, exe], { preload: lib, env: { ...t.env, USER: 'root', PYTHONPATH: 'https://bob:proxypw@pypi.example/simple' } });
  assert.equal(r.status, 0, r.stderr);
  const [rec] = endRecords(t.tmp);
  assert.ok(rec, 'the run is staged');
  assert.deepEqual(rec.record.cmdlineA.slice(1), ['--password=<redacted>', 'postgres://alice:<redacted>@db/x', '--token', '<redacted>', 'ok']);
  assert.equal(rec.record.envT?.['PYTHONPATH'], 'https://bob:<redacted>@pypi.example/simple');
  for (const secret of ['hunter2', 's3cret', 'tok123', 'proxypw', 'parentsecret']) assert.ok(!rec.text.includes(secret), `${secret} is not in the record`);
  // ... and through the shipper and ingest into the store, where find shows it.
  const spool = join(dir, 'spool-e2e');
  const state = join(dir, 'state-e2e');
  mkdirSync(spool, { mode: 0o755 });
  const shipped = spawnSync(join(NATIVE, 'build', 'xalt-ship'), ['--tmpdir', t.tmp, '--spool', spool, '--state-dir', state], { encoding: 'utf8' });
  assert.equal(shipped.status, 0, shipped.stderr);
  const db = join(dir, 'e2e.db');
  const xalt = fileURLToPath(new URL('../../../bin/xalt', import.meta.url));
  const ingest = spawnSync(xalt, ['ingest', spool, '--db', db], { encoding: 'utf8' });
  assert.equal(ingest.status, 0, ingest.stderr);
  const found = spawnSync(xalt, ['find', '--db', db, '--user', 'root', '--json', '--verbose'], { encoding: 'utf8' });
  assert.equal(found.status, 0, found.stderr);
  assert.match(found.stdout, /--password=<redacted>/);
  for (const secret of ['hunter2', 's3cret', 'tok123', 'proxypw', 'parentsecret']) assert.ok(!found.stdout.includes(secret), `${secret} is not in the store`);
});
