/**
 * One record contract, three writers (docs/internals/contracts.md "Record bytes", "Spool"):
 * records written by the real collector (a compiled C program run under libxalt.so, and a
 * link through the ld wrapper), by the real Python hook (python3 importing a package under
 * the collector) and by the real shipper (xalt-ship's bundle entries, including the end
 * record it synthesises for a run the job left unfinished) are byte for byte what the
 * TypeScript writer makes of them — `serializeRecord(JSON.parse(bytes))` — valid against
 * the schema, and named as the contract says.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serializeRecord } from '../../src/schema/serialize.js';
import { fileTimeStamp, linkFileName, pkgFileName, runFileName } from '../../src/schema/spool-layout.js';
import { validateRecord, type RecordKind } from '../../src/schema/validate.js';
import { buildLib } from '../collector/harness.js';
import { HELLO_C, must, sandbox, source, wrapped, wrapperBin } from '../link/harness.js';
import { HOOK_DIR, python, writeSite } from '../python/helpers.js';
import { node, onlyBundle, scratch, ship, staged, type Node } from '../ship/helpers.js';

type Obj = Record<string, unknown>;

const JOB = '4242';
const USER = userInfo().username;
const UID = process.getuid!();

/** A program whose arguments exercise the string escapes; "sleep" waits to be killed. */
const PROG = `#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1 && argv[1][0] == 's') for (;;) pause();
  return argc > 1 ? atoi(argv[1]) : 0;
}
`;
const AWKWARD_ARGS = ['3', 'tab\there', 'quote"back\\slash', 'ünïcödé ✓', 'ctl\u0001\u001f', ''];

/** The record as the TypeScript writer would write it: the bytes must not change. */
function assertCanonical(text: string, where: string): Obj {
  const json = JSON.parse(text) as Obj;
  assert.equal(text, serializeRecord(json), `${where}: the bytes are not serializeRecord(parse(bytes))`);
  return json;
}

function assertValid(kind: RecordKind, json: Obj, where: string): void {
  assert.deepEqual(validateRecord(kind, json).issues, [], where);
}

const uuid12 = (uuid: string, pkg: string) => createHash('sha1').update(`${uuid}\n${pkg}`).digest('hex').slice(0, 12);

/** The staging directory after: a finished C run, a killed C run, a Python run with a package import, a link. */
async function writeEverything(n: Node): Promise<{ prog: string }> {
  const lib = buildLib();
  const bin = scratch('cross-bin');
  const prog = join(bin, 'prog');
  writeFileSync(join(bin, 'prog.c'), PROG);
  execFileSync('cc', ['-O1', '-o', prog, join(bin, 'prog.c')]);
  const site = join(scratch('cross-site'), 'site-packages');
  writeSite(site, [{ name: 'Alpha-Dist', version: '1.2.3', packages: ['alpha'] }]);
  const env = {
    PATH: '/usr/bin:/bin', HOME: bin, USER, LANG: 'C.UTF-8', LD_PRELOAD: lib, XALT_EXECUTABLE_TRACKING: 'yes', XALT_SAMPLING: 'no',
    XALT_TMPDIR: n.staging, XALT_FILE_PREFIX: n.spool, SLURM_JOB_ID: JOB,
  };

  const done = spawnSync(prog, AWKWARD_ARGS, { env, timeout: 30_000 });
  assert.equal(done.status, 3);
  const py = spawnSync(python(), ['-c', 'import alpha, json'], { env: { ...env, PYTHONPATH: `${HOOK_DIR}:${site}` }, encoding: 'utf8', timeout: 30_000 });
  assert.equal(py.status, 0, py.stderr);
  const killed = spawn(prog, ['sleep'], { env, stdio: 'ignore' });
  // a start record is created, then written: kill the run only once all three are whole
  const whole = (f: string) => readFileSync(join(n.staging, f), 'utf8').endsWith('\n');
  const runFiles = () => staged(n).filter((f) => f.startsWith('xalt_run.') && whole(f));
  for (const t0 = Date.now(); runFiles().length < 3; await new Promise((res) => setTimeout(res, 20))) {
    if (Date.now() - t0 > 60_000) throw new Error(`no start record staged: ${staged(n).join(', ')}`);
  }
  killed.kill('SIGKILL');
  await new Promise((res) => killed.once('exit', res));

  const s = sandbox('cross');
  source(s.dir, 'hello.c', HELLO_C);
  must('gcc', ['-o', 'hello', 'hello.c'], wrapped(s, wrapperBin('ship'), { XALT_TMPDIR: n.staging, SLURM_JOB_ID: JOB, USER }), s.dir);
  return { prog };
}

/** Staging names: contracts.md "Node-local staging". */
const STAGING_NAME = {
  run: new RegExp(`^xalt_run\\.${UID}\\.${JOB}\\.([0-9a-f-]{36})\\.json$`),
  pkg: new RegExp(`^xalt_pkg\\.${UID}\\.${JOB}\\.([0-9a-f-]{36})\\.(\\d+)\\.([^.]+)\\.(\\d{4}_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d{4})\\.${USER}\\.jsonl$`),
  link: new RegExp(`^xalt_link\\.${UID}\\.${JOB}\\.([0-9a-f-]{36})\\.json$`),
};

function checkStaging(n: Node): { runStamps: Map<string, string> } {
  const runStamps = new Map<string, string>();
  const kinds = { run: 0, pkg: 0, link: 0 };
  const pkgFiles: [string, RegExpExecArray][] = [];
  for (const name of staged(n)) {
    if (name.startsWith('xalt_sha1.')) continue; // the collector's private cache directory, not a staging file
    const text = readFileSync(join(n.staging, name), 'utf8');
    const kind = (['run', 'pkg', 'link'] as const).find((k) => STAGING_NAME[k].test(name));
    assert.ok(kind, `${name}: not a staging name of the contract`);
    kinds[kind]++;
    const m = STAGING_NAME[kind].exec(name)!;
    if (kind === 'pkg') {
      pkgFiles.push([text, m]);
      continue;
    }
    const json = assertCanonical(text, `staged ${name}`);
    assertValid(kind, json, name);
    const t = (kind === 'run' ? json['userT'] : json['resultT']) as Obj;
    assert.equal(kind === 'run' ? t['run_uuid'] : t['uuid'], m[1], `${name}: the uuid in the name is the record's`);
    if (kind === 'run') runStamps.set(m[1]!, fileTimeStamp((json['userDT'] as Obj)['start_time'] as number));
  }
  for (const [text, m] of pkgFiles) {
    const lines = text.split('\n');
    assert.equal(lines.pop(), '', 'a pkg staging file is whole lines');
    assert.ok(lines.length > 0);
    for (const line of lines) {
      const json = assertCanonical(`${line}\n`, `staged pkg line ${line}`);
      assertValid('pkg', json, line);
      assert.equal(json['xalt_run_uuid'], m[1]);
    }
    assert.equal(m[4], runStamps.get(m[1]!), 'the pkg staging name carries its run\'s start stamp');
  }
  assert.deepEqual(kinds, { run: 3, pkg: 1, link: 1 });
  return { runStamps };
}

test('records of the collector, the Python hook and xalt-ship are serializeRecord(parse(bytes)) and named by the contract', async () => {
  const n = node();
  const { prog } = await writeEverything(n);
  checkStaging(n);

  const r = ship(n, ['--job', JOB, '--uid', String(UID), '--job-state', 'TIMEOUT']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(staged(n).filter((f) => !f.startsWith('xalt_sha1.')), [], 'everything was shipped');
  const { entries } = onlyBundle(n.spool);
  const seen: string[] = [];
  const starts = new Map<string, number>();
  for (const e of entries) {
    const kind = e.name.split('.')[0] as RecordKind;
    const json = assertCanonical(e.text, `bundle entry ${e.name}`);
    assertValid(kind, json, e.name);
    assert.deepEqual([e.owner, e.flags], [UID, '-'], e.name);
    if (kind === 'run') {
      const t = json['userT'] as Obj, d = json['userDT'] as Obj;
      const isStart = !((d['end_time'] as number) > 0);
      starts.set(t['run_uuid'] as string, d['start_time'] as number);
      assert.equal(e.name, runFileName(t['syshost'] as string, d['start_time'] as number, USER, isStart, t['run_uuid'] as string));
      seen.push(`run ${(json['cmdlineA'] as string[])[1] ?? (t['exec_path'] as string).split('/').pop()} ${isStart ? 'start' : t['end_reason']}`);
    } else if (kind === 'pkg') {
      const uuid = json['xalt_run_uuid'] as string, pkg = json['package_name'] as string;
      const syshost = e.name.split('.')[1]!;
      assert.equal(e.name, pkgFileName(syshost, starts.get(uuid)!, USER, uuid, uuid12(uuid, pkg)));
      seen.push(`pkg ${pkg}`);
    } else {
      const t = json['resultT'] as Obj;
      assert.equal(e.name, linkFileName(t['build_syshost'] as string, Number(t['build_epoch']), USER, t['uuid'] as string));
      seen.push(`link ${(t['exec_path'] as string).split('/').pop()}`);
    }
  }
  assert.deepEqual(seen.sort(), ['link hello', 'pkg alpha', 'run -c exit', 'run 3 exit', 'run sleep job_end', 'run sleep start'].sort());
  const closed = entries.map((e) => JSON.parse(e.text) as Obj).find((j) => (j['userT'] as Obj)?.['end_reason'] === 'job_end')!;
  assert.deepEqual([(closed['userT'] as Obj)['job_state'], (closed['userDT'] as Obj)['exit_status']], ['TIMEOUT', -1]);
  const finished = entries.map((e) => JSON.parse(e.text) as Obj).find((j) => (j['cmdlineA'] as string[] | undefined)?.[1] === '3')!;
  assert.deepEqual(finished['cmdlineA'], [prog, ...AWKWARD_ARGS]);
});
