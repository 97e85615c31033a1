/**
 * `xalt demo`: the newcomer's first minute, on the path a cluster uses. Builds the collector
 * and xalt-ship, links a few real C programs through xalt's ld wrapper, runs them under the
 * collector in a pretend job (one succeeds, one fails, one crashes, one is killed) together
 * with a Python script importing a package — every record goes to a node-local scratch staging
 * directory — then ends the job as the epilog does: xalt-ship (here without root, into a scratch
 * spool of the demo's own) ships the job's records in one bundle and closes the killed run;
 * ingest loads the bundle into a SQLite file, and the report and find print what xalt now
 * knows. It drives xalt's commands through the CLI itself, so it shows what an admin would type.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPackage, demoPrograms, demoPythonScript } from '../../demo/demo-programs.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { RuntimeError } from '../../errors.js';
import { runCli } from '../main.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const JOB_ID = '4242';

interface Scratch {
  dir: string;
  spool: string;
  tmp: string;
  state: string;
  bin: string;
  db: string;
  lib: string;
  ship: string;
}

function step(args: CommandArgs, text: string): void {
  args.stderr.write(`\n==> ${text}\n`);
}

function mustRun(cmd: string, argv: string[], what: string, env?: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env });
  if (r.status !== 0) throw new RuntimeError('XALT_DEMO_FAILED', `${what} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`, 'run ./install.sh first (it installs cc and builds xalt)');
}

/** The collector, xalt-ship and the link helper, built by the Makefile from the committed config. */
function buildNative(args: CommandArgs, s: Scratch): void {
  step(args, 'building the collector and xalt-ship (make -C native)');
  mustRun('make', ['-s', '-C', join(repoRoot, 'native')], 'building the collector');
  for (const f of [s.lib, s.ship, join(repoRoot, 'native/build/xalt_link')]) {
    if (!existsSync(f)) throw new RuntimeError('XALT_DEMO_FAILED', `${f} was not built`, 'run "make -C native" and read its errors');
  }
  // the wrapper as `xalt install` lays it out: ld in bin/, its helper beside it
  copyFileSync(join(repoRoot, 'native/wrapper/ld'), join(s.bin, 'ld'));
  copyFileSync(join(repoRoot, 'native/build/xalt_link'), join(s.bin, 'xalt_link'));
  chmodSync(join(s.bin, 'ld'), 0o755);
  chmodSync(join(s.bin, 'xalt_link'), 0o755);
}

/** What the xalt module gives every process on a tracked node, staging into the scratch directory. */
function nodeEnv(s: Scratch): NodeJS.ProcessEnv {
  return {
    ...process.env,
    USER: userInfo().username, // who runs the demo: the owner of its staging files
    PATH: `${s.bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    COMPILER_PATH: s.bin,
    PYTHONPATH: [join(repoRoot, 'python/xalt_hook'), join(s.dir, 'site')].join(':'),
    XALT_EXECUTABLE_TRACKING: 'yes',
    XALT_TMPDIR: s.tmp, // node-local staging (/dev/shm on a cluster)
    XALT_SAMPLING: 'no', // the demo's programs are short: keep every one
    SLURM_JOB_ID: JOB_ID,
    SLURM_JOB_ACCOUNT: 'demo-project',
    SLURM_JOB_PARTITION: 'normal',
  };
}

function linkPrograms(args: CommandArgs, s: Scratch): void {
  step(args, `compiling ${demoPrograms.length} C programs with cc, linked through xalt's ld wrapper`);
  for (const p of demoPrograms) {
    const src = join(s.dir, `${p.name}.c`);
    writeFileSync(src, p.source);
    mustRun('cc', ['-O1', '-o', join(s.dir, p.name), src], `compiling ${p.name}.c`, nodeEnv(s));
  }
}

function writePythonPackage(s: Scratch): string {
  const site = join(s.dir, 'site');
  mkdirSync(join(site, demoPackage.name), { recursive: true });
  writeFileSync(join(site, demoPackage.name, '__init__.py'), demoPackage.init);
  const distInfo = join(site, `${demoPackage.name}-${demoPackage.version}.dist-info`);
  mkdirSync(distInfo, { recursive: true });
  writeFileSync(join(distInfo, 'METADATA'), demoPackage.metadata);
  writeFileSync(join(distInfo, 'top_level.txt'), `${demoPackage.name}\n`);
  const script = join(s.dir, 'analyse.py');
  writeFileSync(script, demoPythonScript);
  return script;
}

function runPrograms(args: CommandArgs, s: Scratch): void {
  step(args, `running them under the collector in job ${JOB_ID} (records are staged node-locally in ${s.tmp})`);
  const env = { ...nodeEnv(s), LD_PRELOAD: s.lib };
  const runs: [string, string[], string][] = demoPrograms.map((p) => [join(s.dir, p.name), [...p.args], p.purpose]);
  runs.push(['python3', [writePythonPackage(s)], 'a Python script importing a package']);
  for (const [cmd, argv, purpose] of runs) {
    const r = spawnSync(cmd, argv, { encoding: 'utf8', env, cwd: s.dir });
    const how = r.error ? `could not start (${r.error.message})` : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    args.stderr.write(`    ${cmd.split('/').at(-1)!.padEnd(9)} ${purpose.padEnd(55)} → ${how}\n`);
  }
}

async function xalt(args: CommandArgs, argv: string[]): Promise<number> {
  args.stderr.write(`\n$ xalt ${argv.join(' ')}\n`);
  return runCli(argv, args.stdout, args.stderr);
}

function scratch(dir: string): Scratch {
  const build = join(repoRoot, 'native/build');
  const s = {
    dir, spool: join(dir, 'spool'), tmp: join(dir, 'staging'), state: join(dir, 'ship-state'), bin: join(dir, 'bin'), db: join(dir, 'xalt.db'),
    lib: join(build, 'libxalt.so'), ship: join(build, 'xalt-ship'),
  };
  for (const d of [s.spool, s.tmp, s.bin]) mkdirSync(d, { recursive: true });
  mkdirSync(s.state, { recursive: true, mode: 0o700 });
  // as `xalt install` makes a spool: only its owner (root on a cluster; here, you) writes it
  for (const d of [s.spool, s.tmp]) chmodSync(d, 0o755);
  return s;
}

/** The job ends: xalt-ship ships its staged records and closes the run that was killed. */
function endJob(args: CommandArgs, s: Scratch): void {
  const uid = String(process.getuid?.() ?? 0);
  const argv = ['--job', JOB_ID, '--uid', uid, '--job-state', 'TIMEOUT', '--tmpdir', s.tmp, '--spool', s.spool, '--state-dir', s.state];
  step(args, "the job ends: its epilog runs xalt-ship, which ships the job's records in one bundle and closes the run its time limit killed");
  args.stderr.write(`\n$ xalt-ship ${argv.join(' ')}\n`);
  const r = spawnSync(s.ship, argv, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  args.stderr.write(r.stderr || r.error?.message || '');
  if (r.status !== 0) throw new RuntimeError('XALT_DEMO_FAILED', `xalt-ship exited ${r.status ?? r.signal}`, 'run it by hand with the options above');
}

export async function run(args: CommandArgs): Promise<number> {
  const given = stringOption(args, 'dir');
  const dir = given ?? mkdtempSync(join(tmpdir(), 'xalt-demo-'));
  const s = scratch(dir);
  try {
    buildNative(args, s);
    linkPrograms(args, s);
    runPrograms(args, s);
    endJob(args, s);
    step(args, 'loading the bundle into a SQLite store');
    const ingest = await xalt(args, ['ingest', s.spool, '--db', s.db]);
    if (ingest !== 0) return ingest;
    step(args, 'what xalt knows now');
    await xalt(args, ['report', 'overview', '--db', s.db, '--since', '1d']);
    await xalt(args, ['report', 'success', '--db', s.db, '--since', '1d']);
    await xalt(args, ['find', '--db', s.db, '--job', JOB_ID]);
    step(args, `done. Scratch directory: ${dir}${flag(args, 'keep') || given ? '' : ' (removed; use --keep to keep it)'}`);
    return 0;
  } finally {
    if (!given && !flag(args, 'keep')) rmSync(dir, { recursive: true, force: true });
  }
}
