/**
 * `xalt who-uses`: one row per user of a library (from a module or not), a module, a Python
 * package (version) or an executable, with accounts, runs, jobs, first and last use — checked
 * against a count made here from the seeded runs, on SQLite and MariaDB; and its bad input.
 */
import assert from 'node:assert/strict';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { testEachStore, type TestStore } from '../helpers/test-stores.js';
import { xalt } from '../find/run-cli.js';

const T0 = FIXTURE_EPOCH;
const H = 3600;
const SSL3 = { path: '/sw/openssl/3.0.13/lib/libssl.so.3', module: 'openssl/3.0.13' };
const SSL11 = { path: '/usr/lib64/libssl.so.1.1' };
const MPI = { path: '/sw/openmpi/4.1.6/lib/libmpi.so.40', module: 'openmpi/4.1.6' };

async function seed(s: TestStore): Promise<void> {
  const rows = storeRows(s.store);
  // alice: libssl 3 twice in job 1, once in job 2 (account chem), numpy 1.26.4
  await rows.run({ user: 'alice', account: 'chem', job_id: '1', start_time: T0 + H, exec_path: '/home/alice/sim', libs: [SSL3, MPI] });
  await rows.run({ user: 'alice', account: 'chem', job_id: '1', start_time: T0 + 2 * H, exec_path: '/home/alice/sim', libs: [SSL3] });
  await rows.run({ user: 'alice', account: 'bio', job_id: '2', start_time: T0 + 30 * H, exec_path: '/sw/python/3.11/bin/python3', module_name: 'python/3.11', pkgs: [{ name: 'numpy', version: '1.26.4' }], libs: [SSL3] });
  // bob: the system libssl 1.1 (no module), outside any job; numpy 2.0.0
  await rows.run({ user: 'bob', account: 'phys', job_id: null, start_time: T0 + 5 * H, exec_path: '/usr/bin/curl', libs: [SSL11] });
  await rows.run({ user: 'bob', account: 'phys', job_id: '3', start_time: T0 + 50 * H, exec_path: '/sw/python/3.11/bin/python3', module_name: 'python/3.11', pkgs: [{ name: 'numpy', version: '2.0.0' }] });
  // carol: openmpi 4.1.6 only through its library; a flagged run that loaded libssl 1.1
  await rows.run({ user: 'carol', account: 'chem', job_id: '4', start_time: T0 + 10 * H, exec_path: '/home/carol/lmp', libs: [MPI] });
  await rows.run({ user: 'carol', account: 'chem', job_id: '5', start_time: T0 + 11 * H, exec_path: '/home/carol/lmp', libs: [SSL11], flags: ['owner_mismatch'] });
}

interface WhoRow { user: string; accounts: string; runs: number; jobs: number; first_use: string; last_use: string; used: string }

async function who(s: TestStore, ...args: string[]): Promise<WhoRow[]> {
  const r = await xalt('who-uses', '--db', s.url, '--json', ...args);
  assert.ok(r.code === 0 || r.code === 3, r.stderr);
  return (JSON.parse(r.stdout) as { tables: { users: WhoRow[] } }).tables.users;
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.000Z$/, 'Z');

testEachStore('who-uses: users of a library (in a module or not), a module, a package version, an executable', async (s) => {
  await seed(s);
  assert.deepEqual(await who(s, '--library', 'libssl.so*'), [
    { user: 'alice', accounts: 'bio,chem', runs: 3, jobs: 2, first_use: iso(T0 + H), last_use: iso(T0 + 30 * H), used: SSL3.path },
    { user: 'bob', accounts: 'phys', runs: 1, jobs: 0, first_use: iso(T0 + 5 * H), last_use: iso(T0 + 5 * H), used: SSL11.path },
  ]);
  assert.deepEqual((await who(s, '--library', 'libssl.so.1.1')).map((r) => r.user), ['bob'], 'a library from no module; the flagged run is left out');
  assert.deepEqual((await who(s, '--library', 'libssl.so.1.1', '--include-flagged')).map((r) => r.user), ['bob', 'carol']);
  assert.deepEqual((await who(s, '--library', '/sw/openssl/*')).map((r) => [r.user, r.runs]), [['alice', 3]]);
  const mpi = await who(s, '--module', 'openmpi');
  assert.deepEqual(mpi.map((r) => [r.user, r.runs, r.used]), [['alice', 1, 'openmpi/4.1.6'], ['carol', 1, 'openmpi/4.1.6']], 'a module of a loaded library counts');
  assert.deepEqual((await who(s, '--module', 'openmpi/4.1.6')).length, 2);
  assert.deepEqual((await who(s, '--module', 'openmpi/5.0')).length, 0);
  assert.deepEqual((await who(s, '--module', 'python/3.11')).map((r) => [r.user, r.runs, r.accounts]), [['alice', 1, 'bio'], ['bob', 1, 'phys']]);
  assert.deepEqual((await who(s, '--package', 'numpy')).map((r) => [r.user, r.used]), [['alice', '1.26.4'], ['bob', '2.0.0']]);
  assert.deepEqual((await who(s, '--package', 'numpy==2.0.0')).map((r) => r.user), ['bob']);
  assert.deepEqual((await who(s, '--exec', 'lmp')).map((r) => [r.user, r.runs, r.jobs]), [['carol', 1, 1]]);
  assert.deepEqual((await who(s, '--exec', '/home/*')).map((r) => [r.user, r.runs]), [['alice', 2], ['carol', 1]]);
  assert.deepEqual((await who(s, '--library', 'libssl*', '--since', '2026-11-02T04:00', '--until', '2026-11-03')).map((r) => [r.user, r.runs]), [['bob', 1]]);
  assert.deepEqual((await who(s, '--library', 'libssl*', '--syshost', 'elsewhere')), []);
});

testEachStore('who-uses prints a table, CSV and nothing-found the usual way', async (s) => {
  await seed(s);
  const t = await xalt('who-uses', '--db', s.url, '--library', 'libssl.so*');
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^xalt who-uses: library libssl\.so\*/);
  assert.match(t.stdout, /User +Accounts +# Runs +# Jobs +First use \(UTC\) +Last use \(UTC\) +Libraries/);
  assert.match(t.stdout, /^alice +bio,chem +3 +2 +2026-11-02 01:00:00 +2026-11-03 06:00:00 +\/sw\/openssl\/3\.0\.13\/lib\/libssl\.so\.3$/m);
  const csv = await xalt('who-uses', '--db', s.url, '--package', 'numpy', '--csv');
  assert.equal(csv.stdout.split('\r\n')[0], 'user,accounts,runs,jobs,first_use,last_use,used');
  assert.match(csv.stdout, /^bob,phys,1,1,2026-11-04T02:00:00Z,2026-11-04T02:00:00Z,2\.0\.0\r$/m);
  const bare = await xalt('who-uses', '--db', s.url, '--exec', 'curl', '--noheader');
  assert.match(bare.stdout, /^bob +phys +1 +0 /);
  assert.doesNotMatch(bare.stdout, /User|who-uses/);
  const none = await xalt('who-uses', '--db', s.url, '--library', 'libcrypto*');
  assert.equal(none.code, 3);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /no runs of library libcrypto\* in the period/);
});

testEachStore('who-uses rejects no selector, two selectors and bad values with one line and exit 2', async (s) => {
  await seed(s);
  const cases: [string[], RegExp][] = [
    [[], /say what about: one of --library, --module, --package, --exec/],
    [['--library', 'libssl*', '--module', 'openssl'], /--library and --module ask two questions; give one of/],
    [['--package', 'numpy', '--exec', 'python', '--module', 'x'], /--module and --package and --exec ask two questions/],
    [['--package', 'numpy=='], /--package "numpy==": expected NAME or NAME==VERSION/],
    [['--module', '  '], /--module: no value given/],
    [['--library', 'libssl*', '--since', 'last tuesday'], /--since "last tuesday": not a date/],
    [['--library', 'libssl*', '--since', '2026-11-03', '--until', '2026-11-02'], /is not before --until/],
    [['--library', 'libssl*', '--format', 'xml'], /--format xml: not one of/],
  ];
  for (const [args, message] of cases) {
    const r = await xalt('who-uses', '--db', s.url, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('xalt: error:')).length, 1);
    assert.equal(r.stdout, '');
  }
});
