/**
 * A real one-node Slurm cluster for tests, from Debian's slurm-wlm and munge: munged (as the
 * munge user), `slurmctld -D` and `slurmd -D`, all with their config, keys, sockets, state and
 * logs in one scratch tree, so nothing in /etc, /run or /var is touched. Jobs are submitted as
 * real unprivileged users with `su - USER -c 'sbatch …'`.
 *
 * Every daemon it starts is stopped by its pid: by `stop()` (call it from the test file's
 * `after` hook) and, should the test process end any other way, from exit and signal
 * handlers. Only one cluster can run on a machine (slurmctld and slurmd listen on 6817 and
 * 6818): a lock file makes test files that start one wait for each other, and `start` refuses
 * with a clear message when a Slurm daemon is already running that these tests did not start.
 *
 * Needs root (the daemons, `su`, useradd). See docs/slurm.md for what each setting is for.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, unlinkSync, writeFileSync, writeSync, constants as fsc } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScontrolJobs, type SlurmJob } from './scontrol.js';

/** Programs the cluster needs, by the Debian package that provides them. */
export const SLURM_PROGRAMS: Readonly<Record<string, string>> = {
  '/usr/sbin/slurmctld': 'slurmctld (slurm-wlm)', '/usr/sbin/slurmd': 'slurmd (slurm-wlm)', '/usr/bin/sbatch': 'slurm-client (slurm-wlm)',
  '/usr/sbin/munged': 'munge', '/usr/sbin/mungekey': 'munge', '/usr/bin/setpriv': 'util-linux', '/usr/sbin/useradd': 'passwd',
};

/** Why the cluster tests cannot run here, or false: for `test(..., { skip })`. */
export function clusterSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'the Slurm cluster tests need root (daemons, su, useradd)';
  const missing = Object.entries(SLURM_PROGRAMS).filter(([p]) => !existsSync(p)).map(([, pkg]) => pkg);
  if (missing.length > 0) return `not installed: ${[...new Set(missing)].join(', ')} (./install.sh as root installs them)`;
  return false;
}

export interface ClusterOptions {
  /** the script Slurm runs as the Epilog after every job (xalt's epilog); without it only the marker line */
  readonly epilog?: string;
  /** CPUs the node declares (more than the machine has, so the tests' jobs run side by side) */
  readonly cpus?: number;
  /** more slurm.conf lines (later lines win) */
  readonly extraConf?: string;
  /** how long to wait for the lock held by another test file (ms) */
  readonly lockWaitMs?: number;
}

/** One line the harness's Epilog wrapper logs when Slurm's Epilog for a job has finished. */
export interface EpilogRun {
  readonly job: string;
  readonly user: string;
  readonly rc: number;
  readonly start: number;
  readonly end: number;
}

const LOCK = join(tmpdir(), 'xalt-slurm-tests.lock');
const DAEMONS = ['slurmctld', 'slurmd', 'slurmstepd'];
const live = new Set<SlurmCluster>();

/** Single-quote for sh. */
export function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** State letter of a process from /proc (Z for a zombie), or null when it is gone. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  const s = procState(pid);
  return s !== null && s !== 'Z';
}

/** Processes whose command name is one of `names`: [pid, name, command line]. */
function processesNamed(names: readonly string[]): [number, string, string][] {
  const out: [number, string, string][] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (!names.includes(comm) || !alive(Number(d))) continue;
      out.push([Number(d), comm, readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim()]);
    } catch { /* gone meanwhile */ }
  }
  return out;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Take the machine-wide lock (O_EXCL file holding our pid); a lock whose holder died is stale. */
async function takeLock(waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(LOCK, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(LOCK, 'utf8').trim());
    if (holder === process.pid) throw new Error('this test process already runs a Slurm cluster: stop it first');
    if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) { rmSync(LOCK, { force: true }); continue; }
    if (Date.now() > deadline) throw new Error(`another test process (pid ${holder}) has held ${LOCK} for ${waitMs / 1000} s: only one Slurm cluster can run at a time`);
    await sleep(1000);
  }
}

function releaseLock(): void {
  try {
    if (Number(readFileSync(LOCK, 'utf8').trim()) === process.pid) unlinkSync(LOCK);
  } catch { /* not ours, or gone */ }
}

/** Run `fn` holding the machine-wide cluster lock (as `SlurmCluster.start` and `stop` do). */
export async function withClusterLock<T>(fn: () => Promise<T>, waitMs = 15 * 60_000): Promise<T> {
  await takeLock(waitMs);
  try {
    return await fn();
  } finally {
    releaseLock();
  }
}

/** Refuse, naming what is in the way, when Slurm daemons or their ports are already in use. */
export async function refuseIfBusy(): Promise<void> {
  const running = processesNamed(DAEMONS);
  if (running.length > 0) {
    const list = running.map(([pid, , cmd]) => `pid ${pid}: ${cmd}`).join('; ');
    throw new Error(`Slurm is already running on this machine and these tests did not start it (${list}). `
      + 'Only one Slurm cluster can run here (ports 6817/6818); stop it, or run the Slurm tests on another machine. '
      + `A slurmctld whose config is under ${tmpdir()}/xalt-slurm-* was left by an interrupted test run: kill that pid.`);
  }
  for (const port of [6817, 6818]) {
    if (!(await portFree(port))) throw new Error(`port ${port} (Slurm's) is in use by another program: the test cluster cannot start`);
  }
}

function onExit(): void {
  for (const c of live) c.stop();
}

function onSignal(sig: NodeJS.Signals): void {
  onExit();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGHUP', onSignal);
  process.kill(process.pid, sig);
}

let handlersInstalled = false;
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', onExit);
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
}

/** The environment every Slurm command and daemon gets: clean of anything a tracked shell set. */
function cleanEnv(conf: string): NodeJS.ProcessEnv {
  const keep = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(XALT_|LD_PRELOAD$|SLURM_|PYTHONPATH$)/.test(k)));
  return { ...keep, PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', SLURM_CONF: conf };
}

export class SlurmCluster {
  /** the node's name (the short host name) */
  readonly node = hostname().split('.')[0]!;
  readonly conf: string;
  readonly epilogLog: string;
  private readonly daemons: { name: string; child: ChildProcess }[] = [];
  private stopped = false;

  private constructor(readonly dir: string, private readonly opts: ClusterOptions) {
    this.conf = join(dir, 'etc', 'slurm.conf');
    this.epilogLog = join(dir, 'log', 'epilog.log');
  }

  /** Start munged, slurmctld and slurmd; resolves once the node is idle. */
  static async start(opts: ClusterOptions = {}): Promise<SlurmCluster> {
    await takeLock(opts.lockWaitMs ?? 15 * 60_000);
    try {
      await refuseIfBusy();
    } catch (err) {
      releaseLock();
      throw err;
    }
    const dir = mkdtempSync(join(tmpdir(), 'xalt-slurm-'));
    chmodSync(dir, 0o755); // users' jobs read their scripts and write their output below it
    const cluster = new SlurmCluster(dir, opts);
    live.add(cluster);
    installHandlers();
    try {
      cluster.writeTree();
      await cluster.startMunge();
      cluster.spawnDaemon('slurmctld', ['slurmctld', '-D', '-f', cluster.conf]);
      await cluster.waitFor('slurmctld to answer', () => cluster.slurm('scontrol', ['ping']).stdout.includes('UP'), 30_000);
      cluster.spawnDaemon('slurmd', ['slurmd', '-D', '-f', cluster.conf]);
      await cluster.waitForIdle();
    } catch (err) {
      const logs = cluster.logTails();
      cluster.stop();
      throw new Error(`${(err as Error).message}\n${logs}`);
    }
    return cluster;
  }

  /** Write slurm.conf, the Epilog wrapper and the directories the daemons and jobs use. */
  private writeTree(): void {
    const d = this.dir;
    for (const sub of ['etc', 'log', 'state', 'spool']) mkdirSync(join(d, sub), { mode: 0o755 });
    mkdirSync(join(d, 'jobs'));
    chmodSync(join(d, 'jobs'), 0o1777); // job output of every user
    const munge = join(d, 'munge');
    mkdirSync(munge, { mode: 0o755 });
    chownSync(munge, ...mungeIds());
    writeFileSync(join(d, 'etc', 'plugstack.conf'), '');
    writeFileSync(join(d, 'etc', 'epilog'), this.epilogWrapper(), { mode: 0o755 });
    writeFileSync(this.conf, slurmConf(d, this.node, this.opts.cpus ?? 24) + (this.opts.extraConf ?? ''));
  }

  /**
   * The Epilog: xalt's epilog exactly as Slurm would run it alone (same environment, its exit
   * status returned, so a failure drains the node as it would in production), then one line
   * the tests wait for, with xalt's exit status (a glob of scripts would lose it, and its
   * output: Slurm discards what an Epilog prints). It also notes, in epilog-inputs.log, what
   * xalt's epilog reads to tell how the job ended (the exit codes Slurm gave it, and scontrol's
   * view just after it ran), so that a wrong job state can be explained (`epilogInputs`).
   */
  private epilogWrapper(): string {
    const log = join(this.dir, 'log');
    const run = this.opts.epilog ? `${sh(this.opts.epilog)} >>${sh(join(log, 'epilog-output.log'))} 2>&1 </dev/null || rc=$?` : ':';
    return `#!/bin/sh
# Epilog of the xalt test cluster (written by test/slurm/cluster.ts).
t0=$(date +%s.%N)
rc=0
${run}
echo "job=$SLURM_JOB_ID code2=\${SLURM_JOB_EXIT_CODE2:-} code=\${SLURM_JOB_EXIT_CODE:-} $(PATH=$PATH:/usr/bin:/bin scontrol -o show job "$SLURM_JOB_ID" 2>/dev/null | tr ' ' '\\n' | grep -E '^(JobState|Reason|ExitCode)=' | tr '\\n' ' ')" >>${sh(join(log, 'epilog-inputs.log'))}
echo "epilog job=$SLURM_JOB_ID user=$SLURM_JOB_USER rc=$rc start=$t0 end=$(date +%s.%N)" >>${sh(join(log, 'epilog.log'))}
exit $rc
`;
  }

  private async startMunge(): Promise<void> {
    const m = join(this.dir, 'munge');
    const key = join(m, 'munge.key');
    const r = spawnSync('mungekey', ['--create', `--keyfile=${key}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mungekey --create failed: ${r.stderr}`);
    chownSync(key, ...mungeIds());
    chmodSync(key, 0o400);
    // munged refuses to run as root: start it as the munge user, in the foreground
    this.spawnDaemon('munged', ['setpriv', '--reuid', 'munge', '--regid', 'munge', '--init-groups', 'munged', '--foreground',
      `--socket=${join(m, 'munge.socket')}`, `--key-file=${key}`, `--log-file=${join(m, 'munged.log')}`,
      `--pid-file=${join(m, 'munged.pid')}`, `--seed-file=${join(m, 'munged.seed')}`]);
    await this.waitFor('munged to answer', () => spawnSync('munge', ['--no-input', `--socket=${join(m, 'munge.socket')}`], { stdio: 'ignore' }).status === 0, 20_000);
  }

  private spawnDaemon(name: string, argv: string[]): void {
    const out = openSync(join(this.dir, 'log', `${name}.out`), 'a');
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, out], env: cleanEnv(this.conf), detached: true });
    closeSync(out);
    child.unref(); // the test process may end while they run; stop() and the exit handler end them
    this.daemons.push({ name, child });
  }

  private async waitFor(what: string, ready: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      const dead = this.daemons.find((d) => d.child.pid === undefined || !alive(d.child.pid));
      if (dead) throw new Error(`${dead.name} exited while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await sleep(250);
    }
  }

  /** Wait until the node is idle; resume it if it came up drained or down. */
  async waitForIdle(ms = 60_000): Promise<void> {
    await this.waitFor(`node ${this.node} to be idle`, () => {
      const state = this.nodeState();
      if (/^(drain|drng|down|fail)/.test(state)) this.slurm('scontrol', ['update', `nodename=${this.node}`, 'state=resume']);
      return state === 'idle';
    }, ms);
  }

  /** sinfo's short state of the node: idle, mix, alloc, drain, down… (a trailing * or ~ stripped). */
  nodeState(): string {
    return this.slurm('sinfo', ['-h', '-N', '-n', this.node, '-o', '%t']).stdout.trim().replace(/[*~#!%$@^-]+$/, '');
  }

  /** Run a Slurm command as root against this cluster. */
  slurm(cmd: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv(this.conf), timeout: 60_000 });
    return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** Run a shell command as `user` through a login shell (`su - user -c …`), as a user at a terminal would. */
  runAs(user: string, command: string): { status: number; stdout: string; stderr: string } {
    const r = spawnSync('su', ['-', user, '-c', `SLURM_CONF=${sh(this.conf)}; export SLURM_CONF; ${command}`], { encoding: 'utf8', env: cleanEnv(this.conf), timeout: 60_000 });
    return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** `sbatch --parsable ARGS SCRIPT` as `user`; returns the job id (an array's id for --array). */
  submit(user: string, sbatchArgs: readonly string[], script: string): string {
    const r = this.runAs(user, ['sbatch', '--parsable', ...sbatchArgs, script].map(sh).join(' '));
    const id = /^(\d+)/.exec(r.stdout.trim())?.[1];
    if (r.status !== 0 || id === undefined) throw new Error(`sbatch as ${user} failed (exit ${r.status}): ${r.stderr.trim()}`);
    return id;
  }

  /** `scancel ID` as `user`. */
  cancel(user: string, id: string): void {
    const r = this.runAs(user, `scancel ${sh(id)}`);
    if (r.status !== 0) throw new Error(`scancel ${id} as ${user} failed: ${r.stderr.trim()}`);
  }

  /** Every record `scontrol -o show job ID` prints (an array id prints one per task). */
  showJob(id: string): SlurmJob[] {
    const r = this.slurm('scontrol', ['-o', 'show', 'job', id]);
    if (r.status !== 0) throw new Error(`scontrol show job ${id}: ${r.stderr.trim()}`);
    return parseScontrolJobs(r.stdout);
  }

  /** Lines the Epilog wrapper logged, one per job whose Epilog finished. */
  epilogRuns(): EpilogRun[] {
    if (!existsSync(this.epilogLog)) return [];
    return readFileSync(this.epilogLog, 'utf8').split('\n').flatMap((line) => {
      const m = /^epilog job=(\S+) user=(\S*) rc=(\d+) start=(\S+) end=(\S+)$/.exec(line);
      return m ? [{ job: m[1]!, user: m[2]!, rc: Number(m[3]), start: Number(m[4]), end: Number(m[5]) }] : [];
    });
  }

  /** What the Epilog wrapper noted of job `id`'s exit codes and scontrol's view of it ('' if nothing). */
  epilogInputs(id: string): string {
    const file = join(this.dir, 'log', 'epilog-inputs.log');
    if (!existsSync(file)) return '';
    return readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith(`job=${id} `)).join('; ');
  }

  /** Wait until `pred` holds for the text of file `path` (e.g. a job printed that it started). */
  async waitForText(path: string, pred: (text: string) => boolean, what: string, ms = 120_000): Promise<void> {
    await this.waitFor(what, () => existsSync(path) && pred(readFileSync(path, 'utf8')), ms);
  }

  /**
   * Wait until the jobs (array ids stand for all their tasks) have left squeue and the Epilog
   * of every one that ran has finished; returns what scontrol then says about each record.
   */
  async waitForJobs(ids: readonly string[], ms = 240_000): Promise<SlurmJob[]> {
    await this.waitFor(`jobs ${ids.join(',')} to leave squeue`, () => {
      const r = this.slurm('squeue', ['-h', '-o', '%i %T', '-j', ids.join(',')]);
      return r.status === 0 && r.stdout.trim() === '';
    }, ms);
    const jobs = ids.flatMap((id) => this.showJob(id));
    const ran = jobs.filter((j) => j.batchHost !== null).map((j) => j.id);
    await this.waitFor(`the Epilog of jobs ${ran.join(',')}`, () => {
      const done = new Set(this.epilogRuns().map((e) => e.job));
      return ran.every((id) => done.has(id));
    }, 60_000);
    return ids.flatMap((id) => this.showJob(id));
  }

  /** The last lines of every log, for a failure message. */
  logTails(lines = 15): string {
    const logs: string[] = [];
    for (const sub of ['log', 'munge']) {
      const d = join(this.dir, sub);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d).filter((n) => n.endsWith('.log') || n.endsWith('.out'))) {
        const text = readFileSync(join(d, f), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
        if (text) logs.push(`--- ${join(d, f)}\n${text}`);
      }
    }
    return logs.join('\n');
  }

  /**
   * Cancel what still runs, then stop slurmd, slurmctld and munged by pid (SIGTERM, then
   * SIGKILL after 10 s), and remove the scratch tree (kept when XALT_TEST_KEEP is set).
   * Synchronous, so exit handlers can call it; safe to call twice.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    live.delete(this);
    const ctld = this.daemons.find((d) => d.name === 'slurmctld');
    if (ctld?.child.pid !== undefined && alive(ctld.child.pid)) this.cancelAll();
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      for (const d of this.daemons.filter((x) => x.name === name)) stopPid(d.child.pid);
    }
    for (const pid of this.ownStepds()) stopPid(pid);
    releaseLock();
    if (process.env['XALT_TEST_KEEP']) process.stderr.write(`slurm test cluster kept in ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }

  /** stop(), then wait until Node has reaped the daemons (so none is left a zombie): for `after` hooks. */
  async shutdown(): Promise<void> {
    this.stop();
    await Promise.all(this.daemons.map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.ref();
      child.once('exit', () => resolve());
      setTimeout(resolve, 5000).unref();
    })));
  }

  private cancelAll(): void {
    const ids = this.slurm('squeue', ['-h', '-o', '%i']).stdout.split('\n').filter(Boolean);
    if (ids.length === 0) return;
    this.slurm('scancel', ids);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && this.slurm('squeue', ['-h', '-o', '%i']).stdout.trim() !== '') sleepSync(500);
  }

  /** slurmstepd processes of this cluster still alive after slurmd stopped (their cwd is in its spool). */
  private ownStepds(): number[] {
    return processesNamed(['slurmstepd']).map(([pid]) => pid).filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`).startsWith(this.dir);
      } catch {
        return false;
      }
    });
  }
}

function stopPid(pid: number | undefined): void {
  if (pid === undefined || !alive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) sleepSync(100);
  if (alive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

function mungeIds(): [number, number] {
  const r = spawnSync('id', ['-u', 'munge'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'munge'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('there is no munge user: install the munge package');
  return [Number(r.stdout.trim()), Number(g.stdout.trim())];
}

/**
 * slurm.conf for one node without cgroups or accounting, every path in the scratch tree.
 * KillWait is short so a time limit ends a job in seconds; use_interactive_step makes salloc
 * start its shell as Slurm's "interactive" step, as many sites do; MinJobAge keeps finished jobs in
 * scontrol for the tests to read; config_overrides lets the node declare more CPUs than the
 * machine has, so the tests' jobs (one asks for 4 CPUs per task) run side by side.
 */
export function slurmConf(dir: string, node: string, cpus: number): string {
  return `# GENERATED by xalt's test/slurm/cluster.ts for a one-node test cluster
ClusterName=xalttest
SlurmctldHost=${node}
SlurmctldPort=6817
SlurmdPort=6818
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${dir}/munge/munge.socket
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool/slurmd
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
PlugStackConfig=${dir}/etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
LaunchParameters=use_interactive_step
ReturnToService=2
SlurmdParameters=config_overrides
KillWait=5
OverTimeLimit=0
MinJobAge=1800
Epilog=${dir}/etc/epilog
NodeName=${node} CPUs=${cpus} RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
`;
}
