/**
 * The filters and sacct habits support staff reach for: accounts, queues (partitions), how a
 * run ended, a library it loaded (from a module or not), comma lists, --fields, --noheader,
 * --parsable and --all — on SQLite and MariaDB; and every kind of bad input, a one-line error
 * with exit 2.
 */
import assert from 'node:assert/strict';
import { FIXTURE_EPOCH, storeRows } from '../fixtures/store-rows.js';
import { testEachStore, type TestStore } from '../helpers/test-stores.js';
import { xalt } from './run-cli.js';

const T0 = FIXTURE_EPOCH;
const uuid = (c: string) => `01900000-0000-7000-8000-00000000000${c}`;

/** Six runs, one of each way to end; libssl from a module (3.0) and from the system (1.1, no module). */
async function seed(s: TestStore) {
  const rows = storeRows(s.store);
  const sslModule = { path: '/sw/openssl/3.0.13/lib/libssl.so.3', module: 'openssl/3.0.13' };
  const sslSystem = { path: '/usr/lib64/libssl.so.1.1' };
  await rows.run({ run_uuid: uuid('a'), user: 'alice', account: 'chem', queue: 'cpu', job_id: '7001', exec_path: '/home/alice/bin/sim', start_time: T0 + 100, run_time: 3600, num_cores: 4, libs: [sslModule] });
  await rows.run({ run_uuid: uuid('b'), user: 'bob', account: 'phys', queue: 'gpu', job_id: '7002', exec_path: '/usr/bin/curl', start_time: T0 + 200, exit_status: 2, libs: [sslSystem] });
  await rows.run({ run_uuid: uuid('c'), user: 'carol', account: 'bio', queue: 'cpu', job_id: '7003', exec_path: '/home/carol/a.out', start_time: T0 + 300, end_reason: 'signal', exit_signal: 11, exit_status: null });
  await rows.run({ run_uuid: uuid('d'), user: 'dave', account: 'chem', queue: 'long', job_id: '7004', exec_path: '/home/dave/md', start_time: T0 + 400, end_reason: 'job_end', job_state: 'TIMEOUT', exit_status: null, libs: [sslModule] });
  await rows.run({ run_uuid: uuid('e'), user: 'alice', account: 'chem', queue: 'gpu', job_id: '7005', exec_path: '/home/alice/bin/post', start_time: T0 + 500, has_end: 0 });
  await rows.run({ run_uuid: uuid('f'), user: 'erin', account: 'math', queue: 'cpu', job_id: '7006', exec_path: '/home/erin/md', start_time: T0 + 600, end_reason: 'job_end', job_state: 'COMPLETED', exit_status: null });
}

const found = (stdout: string) => [...stdout.matchAll(/^run (\S+)/gm)].map((m) => m[1]!.slice(-1)).join('');

testEachStore('find filters by account, queue or partition, outcome and library, each taking a comma list', async (s) => {
  await seed(s);
  const f = async (...args: string[]) => {
    const r = await xalt('find', '--db', s.url, ...args);
    return found(r.stdout);
  };
  assert.equal(await f('--account', 'chem'), 'eda');
  assert.equal(await f('--account', 'chem,bio'), 'edca');
  assert.equal(await f('-A', 'phys'), 'b');
  assert.equal(await f('--queue', 'gpu'), 'eb');
  assert.equal(await f('--partition', 'cpu,long'), 'fdca', 'sacct calls queues partitions');
  assert.equal(await f('-r', 'long'), 'd');
  assert.equal(await f('--outcome', 'ok'), 'fa', 'exit 0, and still running when a job that completed ended');
  assert.equal(await f('--outcome', 'exit'), 'b', 'exit: a non-zero status');
  assert.equal(await f('--outcome', 'signal'), 'c');
  assert.equal(await f('--outcome', 'job_end'), 'd', 'job_end: the job did not complete');
  assert.equal(await f('--outcome', 'never_ended'), 'e');
  assert.equal(await f('--outcome', 'signal,never_ended'), 'ec');
  assert.equal(await f('--library', 'libssl.so*'), 'dba', 'a soname pattern finds the module build and the system one');
  assert.equal(await f('--library', 'libssl.so.1.1'), 'b', 'a library from no module');
  assert.equal(await f('--library', '/sw/openssl/*'), 'da', 'a path pattern');
  assert.equal(await f('--library', 'LIBSSL.so*'), '', 'case matters, as in file names');
  assert.equal(await f('--library', 'libcrypto*'), '');
  assert.equal(await f('--user', 'alice,bob'), 'eba');
  assert.equal(await f('--user', 'alice, carol'), 'eca');
  assert.equal(await f('--job', '7002,7004'), 'db');
  assert.equal(await f('--exec', 'md,/usr/bin/*'), 'fdb');
  assert.equal(await f('--module', 'openssl,python'), 'da');
  assert.equal(await f('--account', 'chem', '--outcome', 'ok,job_end', '--library', 'libssl*'), 'da', 'filters combine');
  const none = await xalt('find', '--db', s.url, '--account', 'nobody,none');
  assert.equal(none.code, 3);
  assert.match(none.stderr, /no runs matched \(--account nobody,none\)/);
});

testEachStore('find --fields, --noheader, --parsable and --all, as sacct users expect', async (s) => {
  await seed(s);
  const table = await xalt('find', '--db', s.url, '--fields', 'user,job,outcome,exit_status', '--account', 'chem');
  assert.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^User +Job +Outcome +Exit$/);
  assert.match(lines[1]!, /^-+ +-+/);
  assert.deepEqual(lines.slice(2).map((l) => l.split(/ +/).slice(0, 3).join(' ')), ['alice 7005 never_ended', 'dave 7004 job_end', 'alice 7001 exit']);
  const bare = await xalt('find', '--db', s.url, '--fields', 'user,job', '--noheader', '--account', 'phys');
  assert.equal(bare.stdout, 'bob  7002\n');
  const parsable = await xalt('find', '--db', s.url, '--parsable', '--fields', 'job,user,queue,outcome,start_time', '--user', 'alice');
  assert.equal(parsable.stdout, 'job|user|queue|outcome|start_time\n7005|alice|gpu|never_ended|2026-11-02T00:08:20Z\n7001|alice|cpu|exit|2026-11-02T00:01:40Z\n');
  const p2 = await xalt('find', '--db', s.url, '-P', '--noheader', '--fields', 'run_uuid', '--outcome', 'signal');
  assert.equal(p2.stdout, `${uuid('c')}\n`);
  const wide = await xalt('find', '--db', s.url, '--parsable', '--user', 'bob');
  assert.equal(wide.stdout.split('\n')[0]!.split('|')[0], 'run_uuid', 'without --fields, every column');
  const csv = await xalt('find', '--db', s.url, '--csv', '--noheader', '--fields', 'user,account', '--user', 'erin');
  assert.equal(csv.stdout, 'erin,math\r\n');
  const limited = await xalt('find', '--db', s.url, '--limit', '2', '--fields', 'user');
  assert.equal(limited.stdout.trimEnd().split('\n').length, 4, 'header, rule, two runs');
  assert.match(limited.stderr, /showing the 2 most recent matching runs; more match/);
  assert.doesNotMatch(limited.stdout, /more match/, 'the notice is on stderr only');
  const all = await xalt('find', '--db', s.url, '--all', '--fields', 'user', '--noheader');
  assert.equal(all.stdout.trimEnd().split('\n').length, 6);
  assert.equal(all.stderr, '', 'nothing more matches');
  const json = JSON.parse((await xalt('find', '--db', s.url, '--all', '--json')).stdout) as { count: number; truncated: boolean; runs: { result: string }[] };
  assert.deepEqual([json.count, json.truncated], [6, false]);
  assert.deepEqual(json.runs.map((r) => r.result), ['ok', 'never_ended', 'job_end', 'signal', 'exit', 'ok'], 'the result is what --outcome selects');
  // the result column is what --outcome selects, for every run
  for (const result of ['ok', 'exit', 'signal', 'job_end', 'never_ended']) {
    const r = await xalt('find', '--db', s.url, '--outcome', result, '--fields', 'result', '--noheader');
    assert.ok(r.stdout.trimEnd().split('\n').every((l) => l === result), `${result}: ${r.stdout}`);
  }
});

testEachStore('find rejects bad filters and display options with a one-line error and exit 2', async (s) => {
  await seed(s);
  const cases: [string[], RegExp][] = [
    [['--outcome', 'crashed'], /^xalt: error: --outcome "crashed": not one of ok, exit, signal, job_end, never_ended$/m],
    [['--outcome', 'ok,,maybe'], /--outcome "maybe": not one of/],
    [['--fields', 'user,colour'], /^xalt: error: --fields: unknown field "colour"; fields are run_uuid, syshost, /m],
    [['--fields', ','], /--fields ",": no field given/],
    [['--all', '--limit', '10'], /--all and --limit 10 contradict each other/],
    [['--queue', 'a', '--partition', 'b'], /--queue and --partition name the same thing/],
    [['--user', ' , '], /--user " , ": no value given/],
    [['--since', '2026-13-45'], /^xalt: error: --since "2026-13-45": not a date/m],
    [['--until', 'soon'], /--until "soon": not a date/],
    [['--parsable', '--json'], /--parsable is a format of its own/],
  ];
  for (const [args, message] of cases) {
    const r = await xalt('find', '--db', s.url, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit 2 (${r.stderr})`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('xalt: error:')).length, 1, `${args.join(' ')}: one error line`);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/, `${args.join(' ')}: no stack`);
    assert.equal(r.stdout, '');
  }
});
