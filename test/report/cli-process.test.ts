/** The built CLI as a separate process: what a user's shell sees (exit codes, stdout vs stderr). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEachStore } from '../helpers/test-stores.js';
import { PERIOD, seedReportStore } from './report-fixture.js';

const XALT = fileURLToPath(new URL('../../../bin/xalt', import.meta.url));

function xaltProcess(...args: string[]) {
  const r = spawnSync(process.execPath, [XALT, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

testEachStore('bin/xalt report and find run as processes with the documented exit codes', async (s) => {
  await seedReportStore(s.store);
  const rep = xaltProcess('report', 'modules', '--db', s.url, ...PERIOD);
  assert.equal(rep.code, 0, rep.stderr);
  assert.match(rep.stdout, /^ {2}160\.0 .* lammps\/2023$/m);
  assert.equal(rep.stderr, '');
  const found = xaltProcess('find', '--db', s.url, '--user', 'dave', '--json');
  assert.equal(found.code, 0);
  assert.equal((JSON.parse(found.stdout) as { runs: { build: { matched_by: string } }[] }).runs[0]!.build.matched_by, 'build_id');
  const none = xaltProcess('find', '--db', s.url, '--user', 'nobody');
  assert.equal(none.code, 3);
  assert.equal(none.stdout, '');
  const usage = xaltProcess('report', 'nonsense', '--db', s.url);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^xalt: error: xalt report: unknown report "nonsense"/);
});
