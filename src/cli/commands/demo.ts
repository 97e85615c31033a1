/**
 * `xalt demo`: the newcomer's first minute. Builds the collector, compiles a few real
 * programs, runs them under the collector into a scratch spool (one succeeds, one fails,
 * one is killed), ingests the spool into a SQLite file and prints what xalt now knows.
 * It drives the other commands through the CLI itself, so it shows exactly what an admin
 * would type.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPrograms } from '../../demo/demo-programs.js';
import { flag, stringOption, type CommandArgs } from '../command-args.js';
import { RuntimeError } from '../errors.js';
import { runCli } from '../main.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

function step(args: CommandArgs, text: string): void {
  args.stderr.write(`\n==> ${text}\n`);
}

function mustRun(cmd: string, argv: string[], what: string, cwd?: string): void {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd });
  if (r.status !== 0) throw new RuntimeError('XALT_DEMO_FAILED', `${what} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`, 'run ./install.sh first (it installs cc and builds xalt)');
}

function buildCollector(args: CommandArgs): string {
  const lib = join(repoRoot, 'native/build/libxalt.so');
  step(args, 'building the collector (make -C native)');
  mustRun('make', ['-s', '-C', join(repoRoot, 'native')], 'building the collector');
  if (!existsSync(lib)) throw new RuntimeError('XALT_DEMO_FAILED', `the collector was not built: ${lib} is missing`, 'run "make -C native" and read its errors');
  return lib;
}

/** Environment a tracked node gives a program: the collector preloaded, records to `spool`. */
function trackedEnv(lib: string, spool: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LD_PRELOAD: lib,
    XALT_EXECUTABLE_TRACKING: 'yes',
    XALT_FILE_PREFIX: spool,
    XALT_SAMPLING: 'no',
    // a start record for every run, so a killed program is still visible
    XALT_ALWAYS_CREATE_START: 'yes',
    SLURM_JOB_ID: '4242',
    SLURM_JOB_ACCOUNT: 'demo-project',
    SLURM_JOB_PARTITION: 'normal',
  };
}

function runPrograms(args: CommandArgs, dir: string, lib: string, spool: string): void {
  for (const p of demoPrograms) {
    const src = join(dir, `${p.name}.c`);
    writeFileSync(src, p.source);
    mustRun('cc', ['-O1', '-o', join(dir, p.name), src], `compiling ${p.name}.c`);
  }
  step(args, `running ${demoPrograms.length} programs under the collector (records go to ${spool})`);
  for (const p of demoPrograms) {
    const r = spawnSync(join(dir, p.name), [...p.args], { encoding: 'utf8', env: trackedEnv(lib, spool), cwd: dir });
    const how = r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    args.stderr.write(`    ${p.name.padEnd(9)} ${p.purpose.padEnd(55)} → ${how}\n`);
  }
}

async function xalt(args: CommandArgs, argv: string[]): Promise<number> {
  args.stderr.write(`\n$ xalt ${argv.join(' ')}\n`);
  return runCli(argv, args.stdout, args.stderr);
}

export async function run(args: CommandArgs): Promise<number> {
  const given = stringOption(args, 'dir');
  const dir = given ?? mkdtempSync(join(tmpdir(), 'xalt-demo-'));
  mkdirSync(dir, { recursive: true });
  const spool = join(dir, 'spool');
  const db = join(dir, 'xalt.db');
  try {
    const lib = buildCollector(args);
    runPrograms(args, dir, lib, spool);
    step(args, 'loading the records into a SQLite store');
    const ingest = await xalt(args, ['ingest', spool, '--db', db]);
    if (ingest !== 0) return ingest;
    step(args, 'what xalt knows now');
    await xalt(args, ['report', 'overview', '--db', db, '--since', '1d']);
    await xalt(args, ['find', '--db', db, '--job', '4242']);
    step(args, `done. Scratch directory: ${dir}${flag(args, 'keep') || given ? '' : ' (removed; use --keep to keep it)'}`);
    return 0;
  } finally {
    if (!given && !flag(args, 'keep')) rmSync(dir, { recursive: true, force: true });
  }
}
