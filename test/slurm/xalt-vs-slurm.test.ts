/**
 * xalt deployed as the README says, with etc/xalt.example.toml as shipped, on a real one-node
 * Slurm cluster: two ordinary users' jobs load xalt through Lmod and end every way a job can
 * end; xalt-ship runs as Slurm's Epilog; the spool is ingested into SQLite; and what
 * `xalt find --job` and `xalt report success` say is compared with what `scontrol show job`
 * says about each job.
 *
 * The config is the shipped one with only its three paths (spool, node-local staging, the
 * shipper's state) moved into the test's scratch tree, so nothing outside it is touched.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/run-xalt.js';
import { clusterSkipReason, SlurmCluster, type EpilogRun } from './cluster.js';
import type { SlurmJob } from './scontrol.js';
import { ALICE, BOB, batchScript, interactiveSession, scenarioJobs, writeJobPrograms, type ScenarioJob } from './scenario-jobs.js';
import { ensureUser } from './test-users.js';

const skip = clusterSkipReason();

/** What one scenario job became: its id (an array's id) and what scontrol says about each record. */
interface Submitted {
  readonly job: ScenarioJob;
  readonly id: string;
  records: SlurmJob[];
}

/** A file in the spool or in staging, seen at one moment. */
interface SeenFile {
  readonly path: string;
  readonly name: string;
  readonly uid: number;
  readonly mode: number;
}

const S: {
  work: string; prefix: string; spool: string; staging: string; db: string;
  installProblems: string[];
  cluster?: SlurmCluster;
  jobs: Submitted[];
  whileRunning: { spool: SeenFile[]; staging: SeenFile[]; running: Submitted[] } | null;
  epilogs: EpilogRun[];
  ingest?: { status: number; stdout: string; stderr: string };
  startedAt: number;
  seconds?: number;
} = { work: '', prefix: '', spool: '', staging: '', db: '', installProblems: [], jobs: [], whileRunning: null, epilogs: [], startedAt: Date.now() };

/** Run a command; never throws on a non-zero exit. */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, env: { ...cleanEnv(), ...env } });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(XALT_|LD_PRELOAD$|SLURM_)/.test(k)));
}

/** The checkout's xalt (build, install: as the README's admin does on the build host). */
const checkoutXalt = (args: readonly string[]) => run(process.execPath, [join(repoRoot, 'bin', 'xalt'), ...args], { NO_COLOR: '1' });
/** The installed launcher (ingest, find, report: as on the admin host). */
const installedXalt = (args: readonly string[]) => run(join(S.prefix, 'bin', 'xalt'), args, { NO_COLOR: '1' });

/** The shipped example config with its spool, staging and ship-state paths moved to `work`. */
function shippedConfigIn(work: string): string {
  let text = readFileSync(join(repoRoot, 'etc', 'xalt.example.toml'), 'utf8');
  const moves: [RegExp, string][] = [
    [/^prefix = "\/var\/spool\/xalt"$/m, `prefix = "${S.spool}"`],
    [/^tmpdir = "\/dev\/shm"$/m, `tmpdir = "${S.staging}"`],
    [/^state_dir = "\/var\/lib\/xalt"$/m, `state_dir = "${join(work, 'ship-state')}"`],
  ];
  for (const [line, moved] of moves) {
    assert.equal(text.match(new RegExp(line.source, 'gm'))?.length, 1, `etc/xalt.example.toml has exactly one line ${line.source}`);
    text = text.replace(line, moved);
  }
  return text;
}

function walk(dir: string, out: SeenFile[] = []): SeenFile[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) walk(path, out);
    else out.push({ path, name, uid: st.uid, mode: st.mode & 0o7777 });
  }
  return out;
}

/** Build and install xalt from the shipped config; the problems are kept for their own test. */
function installXalt(): void {
  const cfg = join(S.work, 'xalt.toml');
  writeFileSync(cfg, shippedConfigIn(S.work));
  const build = checkoutXalt(['build', '-c', cfg, '--out', join(S.work, 'build')]);
  if (build.status !== 0) S.installProblems.push(`xalt build -c ${cfg}: exit ${build.status}: ${build.stderr.trim()}`);
  const inst = checkoutXalt(['install', '-c', cfg, '--build', join(S.work, 'build'), S.prefix]);
  if (inst.status !== 0) S.installProblems.push(`xalt install ${S.prefix}: exit ${inst.status}: ${inst.stderr.trim()}`);
  for (const f of ['lib/libxalt.so', 'sbin/xalt-ship', 'libexec/xalt/epilog', 'bin/xalt']) {
    if (!existsSync(join(S.prefix, f))) S.installProblems.push(`xalt install did not install ${join(S.prefix, f)}`);
  }
}

function outputOf(sub: Submitted): string {
  return join(S.cluster!.dir, 'jobs', `${sub.job.name}.${sub.id}.out`);
}

/** Submit every job; cancel the ones meant to be cancelled once their program runs; wait for all. */
async function runScenario(cluster: SlurmCluster): Promise<void> {
  const programs = writeJobPrograms(join(S.work, 'programs'));
  const scripts = join(S.work, 'scripts');
  mkdirSync(scripts, { mode: 0o755 });
  const jobs = scenarioJobs(programs);
  for (const job of jobs.filter((j) => !j.interactive)) {
    const script = join(scripts, `${job.name}.sh`);
    writeFileSync(script, batchScript(S.prefix, job), { mode: 0o755 });
    const out = join(cluster.dir, 'jobs', job.sbatch.some((a) => a.startsWith('--array')) ? `${job.name}.%A_%a.out` : `${job.name}.%j.out`);
    S.jobs.push({ job, id: cluster.submit(job.user, ['--job-name', job.name, '-o', out, ...job.sbatch], script), records: [] });
  }
  for (const job of jobs.filter((j) => j.interactive)) {
    const r = cluster.runAs(job.user, interactiveSession(S.prefix, job));
    const id = /Granted job allocation (\d+)/.exec(r.stdout)?.[1];
    assert.ok(r.status === 0 && id !== undefined, `salloc as ${job.user}: exit ${r.status}: ${r.stdout}${r.stderr}`);
    S.jobs.push({ job, id, records: [] });
  }
  // while the long jobs run: what is in the shared spool, what is staged on the node
  const long = S.jobs.filter((s) => s.job.cancelAfter || s.job.slurmState === 'TIMEOUT');
  for (const s of long) await cluster.waitForText(outputOf(s), (t) => t.includes(s.job.cancelAfter ?? 'spinning'), `job ${s.job.name} (${s.id}) to start its program`);
  S.whileRunning = { spool: walk(S.spool), staging: walk(S.staging), running: long };
  for (const s of long.filter((x) => x.job.cancelAfter)) cluster.cancel(s.job.user, s.id);
  const records = await cluster.waitForJobs(S.jobs.map((s) => s.id), 300_000);
  for (const s of S.jobs) s.records = records.filter((r) => r.id === s.id || r.arrayJobId === s.id);
  S.epilogs = cluster.epilogRuns();
}

before(async () => {
  if (skip) return;
  S.work = mkdtempSync(join(tmpdir(), 'xalt-slurm-scenario-'));
  chmodSync(S.work, 0o755);
  S.prefix = join(S.work, 'prefix');
  S.spool = join(S.work, 'spool');
  S.staging = join(S.work, 'staging'); // node-local, world-writable like /dev/shm
  mkdirSync(S.staging);
  chmodSync(S.staging, 0o1777);
  S.db = join(S.work, 'xalt.db');
  for (const u of [ALICE, BOB]) ensureUser(u);
  installXalt();
  const epilog = join(S.prefix, 'libexec', 'xalt', 'epilog');
  S.cluster = await SlurmCluster.start(existsSync(epilog) ? { epilog } : {});
  await runScenario(S.cluster);
  S.ingest = installedXalt(['ingest', '--db', S.db, S.spool]);
  S.seconds = (Date.now() - S.startedAt) / 1000;
});

after(async () => {
  if (S.seconds !== undefined) process.stderr.write(`slurm scenario: ${S.jobs.length} jobs, ${S.seconds.toFixed(0)} s from build to ingest\n`);
  await S.cluster?.shutdown();
  if (S.work && !process.env['XALT_TEST_KEEP']) rmSync(S.work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// helpers over what xalt says

interface Run {
  run_uuid: string; user: string; job_id: string | null; job_step: string | null;
  array_job_id?: string | null; array_task_id?: string | null; job_state?: string | null;
  cmdline: string[]; exec_path: string; outcome: string; exit_status: number | null; exit_signal: number | null;
  failed: boolean; flagged?: boolean; start_time: number; end_time: number | null; run_time: number | null;
  num_cores: number; num_tasks: number; cpus_per_task?: number; packages: { name: string; version: string | null }[];
}

/** `xalt find --job ID --json`: the runs (none when nothing matched, exit 3). */
function findJob(id: string): Run[] {
  const r = installedXalt(['find', '--db', S.db, '--job', id, '--json', '-n', '1000']);
  if (r.status === 3) return [];
  assert.equal(r.status, 0, `xalt find --job ${id}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { runs: Run[] }).runs;
}

function describe(runs: readonly Run[]): string {
  return JSON.stringify(runs.map((r) => ({ job: r.job_id, step: r.job_step, task: r.array_task_id, cmd: r.cmdline.slice(1).join(' '), outcome: r.outcome, exit: r.exit_status, signal: r.exit_signal, state: r.job_state })));
}

/** How Slurm says the job ended, as the failed run xalt must show; null for COMPLETED. */
function expectedFailure(j: SlurmJob): { outcome: string; exit_status?: number; exit_signal?: number; job_state?: string } | null {
  if (j.state === 'COMPLETED') return null;
  if (j.state === 'TIMEOUT' || j.state === 'CANCELLED') return { outcome: 'job_end', job_state: j.state };
  if (j.exitSignal > 0) return { outcome: 'signal', exit_signal: j.exitSignal };
  // bash, the batch shell, exits 128+N when its last command was killed by signal N
  if (j.exitCode > 128) return { outcome: 'signal', exit_signal: j.exitCode - 128 };
  return { outcome: 'exit', exit_status: j.exitCode };
}

const byName = (name: string) => S.jobs.find((s) => s.job.name === name)!;

// ---------------------------------------------------------------------------------------------

test('xalt build and xalt install lay out the collector, xalt-ship and the epilog from the shipped config', { skip }, () => {
  assert.deepEqual(S.installProblems, []);
});

test('Slurm ended every job as the scenario intends, ran the Epilog after each, and the node never drained', { skip }, () => {
  for (const s of S.jobs) {
    assert.ok(s.records.length > 0, `scontrol knows job ${s.job.name} (${s.id})`);
    for (const r of s.records) assert.equal(r.state, s.job.slurmState, `${s.job.name} ${r.id}: ${JSON.stringify(r.fields)}`);
  }
  const ran = S.jobs.flatMap((s) => s.records.map((r) => r.id)).sort();
  assert.deepEqual(S.epilogs.map((e) => e.job).sort(), ran, 'one Epilog per job (array task)');
  assert.deepEqual(S.epilogs.filter((e) => e.rc !== 0), [], 'xalt\'s epilog exits 0 (a failing Epilog drains the node)');
  assert.equal(S.cluster!.nodeState(), 'idle');
});

test('while jobs run, their runs are staged on the node and nothing of theirs is in the shared spool', { skip }, () => {
  const w = S.whileRunning!;
  for (const s of w.running) {
    const uid = ensureUser(s.job.user).uid;
    const staged = w.staging.filter((f) => f.name.startsWith(`xalt_run.${uid}.${s.id}.`));
    assert.equal(staged.length, 1, `job ${s.job.name} (${s.id}): its running program has a start record in node-local staging; staging held ${w.staging.map((f) => f.name).join(' ')}`);
    assert.equal(staged[0]!.uid, uid, 'staged by the user\'s own process');
    assert.equal(staged[0]!.mode, 0o600);
    assert.deepEqual(w.spool.filter((f) => f.name.includes(`.${s.id}.`)), [], `nothing of running job ${s.id} in the spool`);
  }
  assert.deepEqual(w.spool.filter((f) => f.uid !== 0), [], 'no user wrote into the shared spool');
});

test('the spool holds only root-owned bundles, at most one per job per node; staging is left empty', { skip }, () => {
  const files = walk(S.spool).filter((f) => !f.path.includes('/.quarantine'));
  const perJob = new Map<string, number>();
  for (const f of files) {
    const m = /^ship\.[^.]+\.\d{4}(?:_\d+)+\.(.+)\.([^.]+)\.[0-9a-f-]{36}\.bundle$/.exec(f.name);
    assert.ok(m, `only bundles in the spool (contract: ship.<syshost>.<stamp>.<host>.<job>.<uuid>.bundle): ${f.path}`);
    assert.ok([S.cluster!.node, hostname()].includes(m[1]!), `${f.name} names this node`);
    assert.equal(f.uid, 0, `${f.path} is root's`);
    assert.equal(f.mode & 0o077, 0, `${f.path} is not readable by other users`);
    perJob.set(m[2]!, (perJob.get(m[2]!) ?? 0) + 1);
  }
  assert.deepEqual([...perJob].filter(([, n]) => n > 1), [], 'at most one bundle per job on this node');
  const tracked = S.jobs.filter((s) => s.job.runs > 0).flatMap((s) => s.records.map((r) => r.id)).sort();
  assert.deepEqual([...perJob.keys()].filter((j) => tracked.includes(j)).sort(), tracked, 'every job that ran a tracked program shipped a bundle');
  // what stays is the collector's own per-user cache (xalt_sha1.<uid>/), not records
  const records = walk(S.staging).filter((f) => /^\.?xalt_(run|pkg|link)\./.test(f.name)).map((f) => f.name);
  assert.deepEqual(records, [], 'xalt-ship left no record of the jobs in staging');
});

test('xalt ingest loads the spool without quarantining anything', { skip }, () => {
  assert.equal(S.ingest?.status, 0, S.ingest?.stderr);
  assert.deepEqual(walk(join(S.spool, '.quarantine')).map((f) => f.name), []);
});

test('every job has exactly its runs, as its user, with cores = tasks × CPUs per task = the CPUs Slurm allocated', { skip }, () => {
  for (const s of S.jobs) {
    const runs = findJob(s.id);
    assert.equal(runs.length, s.job.runs, `xalt find --job ${s.id} (${s.job.name}): ${describe(runs)}`);
    for (const r of runs) {
      const rec = s.records.find((x) => x.id === r.job_id);
      assert.ok(rec, `run ${r.run_uuid} names job ${r.job_id}, one of Slurm's records of ${s.id}`);
      assert.equal(r.user, rec.user);
      assert.equal(r.num_cores, rec.numCpus, `${s.job.name}: cores of ${r.cmdline.join(' ')} (${r.num_tasks} tasks) vs Slurm's NumCPUs`);
      assert.equal(r.num_cores, r.num_tasks * (r.cpus_per_task ?? NaN), 'num_cores = num_tasks × cpus_per_task');
      assert.notEqual(r.flagged, true, `run ${r.run_uuid} is not flagged`);
    }
  }
});

test('every job Slurm ended FAILED, TIMEOUT or CANCELLED has its failed run with the outcome Slurm saw; every other run exited 0', { skip }, () => {
  for (const s of S.jobs) {
    for (const rec of s.records) {
      const runs = findJob(rec.id).filter((r) => r.job_id === rec.id); // an array task's id may also be the array's
      const want = expectedFailure(rec);
      const failed = runs.filter((r) => r.failed);
      if (want === null) {
        assert.deepEqual(failed, [], `${s.job.name} ${rec.id} COMPLETED: ${describe(runs)}`);
        for (const r of runs) assert.deepEqual([r.outcome, r.exit_status], ['exit', 0], describe([r]));
        continue;
      }
      assert.equal(failed.length, 1, `${s.job.name} ${rec.id} ${rec.state} ExitCode=${rec.exitCode}:${rec.exitSignal}: one failed run; xalt has ${describe(runs)}`);
      const f = failed[0]!;
      assert.equal(f.outcome, want.outcome, `${s.job.name}: ${describe([f])}`);
      if (want.exit_status !== undefined) assert.equal(f.exit_status, want.exit_status);
      if (want.exit_signal !== undefined) assert.equal(f.exit_signal, want.exit_signal);
      if (want.job_state !== undefined) assert.equal(f.job_state, want.job_state, `${s.job.name}: the epilog records how Slurm ended the job (it saw: ${S.cluster!.epilogInputs(rec.id)})`);
      for (const r of runs.filter((x) => !x.failed)) assert.deepEqual([r.outcome, r.exit_status], ['exit', 0], describe([r]));
    }
  }
});

test('run times lie within the job as Slurm timed it; runs closed at job end were closed by its Epilog', { skip }, () => {
  for (const s of S.jobs) {
    for (const rec of s.records) {
      const epilog = S.epilogs.find((e) => e.job === rec.id)!;
      for (const r of findJob(rec.id).filter((x) => x.job_id === rec.id)) {
        const what = `${s.job.name} ${rec.id} ${r.cmdline.slice(1).join(' ')}: start ${r.start_time} end ${r.end_time}; Slurm ${rec.startTime}..${rec.endTime}, Epilog ${epilog.start}..${epilog.end}`;
        assert.ok(r.end_time !== null && r.run_time !== null, what);
        assert.ok(r.start_time >= rec.startTime! - 1, what);
        assert.ok(Math.abs(r.end_time - r.start_time - r.run_time) <= 1, `run_time = end − start: ${what}`);
        if (r.outcome === 'job_end') {
          assert.ok(r.end_time >= epilog.start - 1 && r.end_time <= epilog.end + 1, `closed while the Epilog ran: ${what}`);
        } else {
          // Slurm runs the Epilog once the job's processes are gone; a job that ended by itself
          // ended when its last program did (scontrol's times are whole seconds)
          assert.ok(r.end_time <= epilog.start + 1, what);
          if (rec.state === 'COMPLETED' || rec.state === 'FAILED') assert.ok(r.end_time <= rec.endTime! + 1, what);
        }
      }
      if (rec.state === 'TIMEOUT') {
        const [r] = findJob(rec.id);
        assert.ok(r!.end_time! - rec.startTime! >= 60, `the run lasted until the 1-minute limit: ${r!.end_time} − ${rec.startTime}`);
      }
    }
  }
});

test('an array job is found as a whole by its array id and task by task as <id>_<task>', { skip }, () => {
  const s = byName('array');
  assert.equal(s.records.length, 3);
  const all = findJob(s.id);
  assert.deepEqual(all.map((r) => r.array_task_id).sort(), ['0', '1', '2'], describe(all));
  for (const rec of s.records) {
    const task = findJob(`${s.id}_${rec.arrayTaskId}`);
    assert.equal(task.length, 1, `--job ${s.id}_${rec.arrayTaskId}: ${describe(task)}`);
    assert.equal(task[0]!.job_id, rec.id, `task ${rec.arrayTaskId} is Slurm's job ${rec.id}`);
    assert.equal(task[0]!.array_job_id, s.id);
    assert.equal(task[0]!.array_task_id, rec.arrayTaskId);
  }
});

test('steps are found as <id>.<step>; the batch script\'s own runs are step "batch"', { skip }, () => {
  const s = byName('steps');
  const want: Record<string, string> = { batch: 'ok', 0: 'ok', 1: 'sleep 1' };
  for (const [step, args] of Object.entries(want)) {
    const runs = findJob(`${s.id}.${step}`);
    assert.equal(runs.length, 1, `--job ${s.id}.${step}: ${describe(runs)}`);
    assert.equal(runs[0]!.job_step, step);
    assert.equal(runs[0]!.cmdline.slice(1).join(' '), args);
  }
});

test('an interactive session\'s runs are step "interactive", as Slurm names it', { skip }, () => {
  const s = byName('interactive');
  const runs = findJob(`${s.id}.interactive`);
  assert.equal(runs.length, 1, `--job ${s.id}.interactive: ${describe(findJob(s.id))}`);
  assert.equal(runs[0]!.job_step, 'interactive');
});

test('MPI: mpirun -np 2 and srun --mpi=pmix -n 2 are one run each (rank 0), 2 tasks', { skip }, () => {
  const s = byName('mpi');
  const runs = findJob(s.id);
  assert.deepEqual(runs.map((r) => [r.job_step, r.num_tasks]).sort(), [['0', 2], ['batch', 2]], describe(runs));
});

test('CPUs per task: the run counts 4 cores, and its core-seconds stay within what Slurm allocated', { skip }, () => {
  const s = byName('cpus4');
  const [rec] = s.records;
  assert.equal(rec!.numCpus, 4);
  const runs = findJob(s.id);
  assert.equal(runs.length, 1);
  const r = runs[0]!;
  assert.deepEqual([r.num_tasks, r.cpus_per_task, r.num_cores], [1, 4, 4]);
  assert.ok(r.run_time! >= 3, `prog sleep 3 ran ${r.run_time} s`);
  assert.ok(r.run_time! * r.num_cores <= (rec!.runTime + 1) * rec!.numCpus, `xalt ${r.run_time} s × ${r.num_cores} ≤ Slurm ${rec!.runTime} s × ${rec!.numCpus}`);
});

test('Python: packages are recorded for the run that ended and for the run cancelled while it ran', { skip }, () => {
  for (const name of ['ok', 'python-cancel']) {
    const py = findJob(byName(name).id).filter((r) => /python/.test(r.exec_path));
    assert.equal(py.length, 1, `${name}: ${describe(py)}`);
    const pkg = py[0]!.packages.find((p) => p.name === 'xalt_slurm_demo');
    assert.ok(pkg, `${name}: xalt_slurm_demo among ${JSON.stringify(py[0]!.packages)}`);
    if (name === 'ok') assert.equal(pkg.version, '1.2.3');
  }
});

test('XALT_EXECUTABLE_TRACKING=no in a job: nothing recorded', { skip }, () => {
  assert.deepEqual(findJob(byName('untracked').id), []);
});

test('report success prints the failure rates of runs and of jobs counted from Slurm\'s view', { skip }, () => {
  const total = S.jobs.reduce((n, s) => n + s.job.runs, 0);
  // the jobs xalt can know of: those that ran a tracked program (array tasks are jobs of their own)
  const jobs = S.jobs.filter((s) => s.job.runs > 0).flatMap((s) => s.records);
  // each job Slurm did not end COMPLETED has exactly one failed run (its last program)
  const bad = jobs.filter((r) => r.state !== 'COMPLETED');
  const r = installedXalt(['report', 'success', '--db', S.db, '--json']);
  assert.equal(r.status, 0, r.stderr);
  type Row = Record<string, string | number>;
  const tables = (JSON.parse(r.stdout) as { tables: Record<string, Row[]> }).tables;
  const summary = Object.fromEntries((tables['summary'] ?? []).map((x) => [x['measure'], x['value']]));
  const shown = JSON.stringify(summary);
  assert.equal(summary['Runs'], total, shown);
  assert.equal(summary['Failed runs'], bad.length, shown);
  assert.ok(Math.abs(Number(summary['Failure rate of runs (%)']) - (100 * bad.length) / total) < 1e-4, `runs: ${bad.length}/${total} from Slurm; xalt ${shown}`);
  assert.equal(summary['Jobs'], jobs.length, shown);
  assert.equal(summary['Jobs with a failed run'], bad.length, shown);
  assert.ok(Math.abs(Number(summary['Jobs with a failed run (%)']) - (100 * bad.length) / jobs.length) < 1e-4, `jobs: ${bad.length}/${jobs.length} from Slurm; xalt ${shown}`);
  // runs closed at job end, by how Slurm ended their job
  const jobEnd = Object.fromEntries((tables['outcomes'] ?? []).filter((x) => x['outcome'] === 'job_end').map((x) => [x['detail'], x['runs']]));
  const slurmEnded = (state: string) => bad.filter((j) => j.state === state).length;
  assert.deepEqual(jobEnd, { CANCELLED: slurmEnded('CANCELLED'), TIMEOUT: slurmEnded('TIMEOUT') }, JSON.stringify(tables['outcomes']));
});
