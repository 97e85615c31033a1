/**
 * `xalt demo`: the newcomer's first minute. Builds the collector, links a few real C
 * programs through xalt's ld wrapper, runs them under the collector (one succeeds, one
 * fails, one is killed) together with a Python script importing a package, lets the job
 * epilog close the killed run, ingests the scratch spool into a SQLite file and prints what
 * xalt now knows. It drives the other commands through the CLI itself, so it shows what an
 * admin would type.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPackage, demoPrograms, demoPythonScript } from '../../demo/demo-programs.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { RuntimeError } from '../errors.js';
import { runCli } from '../main.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const JOB_ID = '4242';

interface Scratch {
  dir: string;
  spool: string;
  tmp: string;
  bin: string;
  db: string;
  lib: string;
}

function step(args: CommandArgs, text: string): void {
  args.stderr.write(`\n==> ${text}\n`);
}

function mustRun(cmd: string, argv: string[], what: string, env?: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env });
  if (r.status !== 0) throw new RuntimeError('XALT_DEMO_FAILED', `${what} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`, 'run ./install.sh first (it installs cc and builds xalt)');
}

/** The collector and the link helper, built by the Makefile from the committed config. */
function buildNative(args: CommandArgs, s: Scratch): void {
  step(args, 'building the collector (make -C native)');
  mustRun('make', ['-s', '-C', join(repoRoot, 'native')], 'building the collector');
  for (const f of [s.lib, join(repoRoot, 'native/build/xalt_link')]) {
    if (!existsSync(f)) throw new RuntimeError('XALT_DEMO_FAILED', `${f} was not built`, 'run "make -C native" and read its errors');
  }
  // the wrapper as `xalt install` lays it out: ld in bin/, its helper beside it
  copyFileSync(join(repoRoot, 'native/wrapper/ld'), join(s.bin, 'ld'));
  copyFileSync(join(repoRoot, 'native/build/xalt_link'), join(s.bin, 'xalt_link'));
  chmodSync(join(s.bin, 'ld'), 0o755);
  chmodSync(join(s.bin, 'xalt_link'), 0o755);
}

/** What the xalt module gives every process on a tracked node, pointed at the scratch spool. */
function nodeEnv(s: Scratch): NodeJS.ProcessEnv {
  return {
    ...process.env,
    USER: process.env['USER'] ?? 'demo',
    PATH: `${s.bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    COMPILER_PATH: s.bin,
    PYTHONPATH: [join(repoRoot, 'python/xalt_hook'), join(s.dir, 'site')].join(':'),
    XALT_EXECUTABLE_TRACKING: 'yes',
    XALT_FILE_PREFIX: s.spool,
    XALT_TMPDIR: s.tmp,
    XALT_SAMPLING: 'no',
    // every run gets a start record, so a killed program is still visible
    XALT_ALWAYS_CREATE_START: 'yes',
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
  step(args, `running them under the collector in job ${JOB_ID} (records go to ${s.spool})`);
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
  const s = { dir, spool: join(dir, 'spool'), tmp: join(dir, 'tmp'), bin: join(dir, 'bin'), db: join(dir, 'xalt.db'), lib: join(repoRoot, 'native/build/libxalt.so') };
  for (const d of [s.spool, s.tmp, s.bin]) mkdirSync(d, { recursive: true });
  chmodSync(s.spool, 0o1777); // as `xalt install` creates a spool: sticky, world-writable
  return s;
}

export async function run(args: CommandArgs): Promise<number> {
  const given = stringOption(args, 'dir');
  const dir = given ?? mkdtempSync(join(tmpdir(), 'xalt-demo-'));
  const s = scratch(dir);
  const uid = String(process.getuid?.() ?? 0);
  try {
    buildNative(args, s);
    linkPrograms(args, s);
    runPrograms(args, s);
    step(args, 'the job ends: its epilog closes the run that was killed');
    await xalt(args, ['epilog', '--job', JOB_ID, '--uid', uid, '--tmpdir', s.tmp, '--spool', s.spool]);
    step(args, 'loading the records into a SQLite store');
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
