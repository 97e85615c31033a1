/**
 * Builders for the Python hook and epilog tests: a real interpreter, trees of fake
 * installed distributions, the environment the collector would give a PKGS run
 * (docs/internals/contracts.md), staged start records written by the real serializer.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitPythonRules } from '../../src/config/emit-python.js';
import { parseSiteConfig } from '../../src/config/parse-site-config.js';
import { serializeRecord } from '../../src/schema/serialize.js';
import { fileTimeStamp } from '../../src/schema/spool-layout.js';
import { uuid7 } from '../../src/schema/uuid7.js';

/** Repository root (dist/test/python/ → ../../..). */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The hook directory the modulefile puts on PYTHONPATH. */
export const HOOK_DIR = join(ROOT, 'python', 'xalt_hook');
export const XALT_BIN = join(ROOT, 'bin', 'xalt');

let cachedPython: string | undefined;
/** The machine's python3 as a real executable (not a pyenv shim): $XALT_TEST_PYTHON or python3. */
export function python(): string {
  if (!cachedPython) {
    const r = spawnSync(process.env['XALT_TEST_PYTHON'] ?? 'python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`python3 not runnable: ${r.stderr}`);
    cachedPython = r.stdout.trim();
  }
  return cachedPython;
}

/**
 * A python3 that user `uid` may run (an interpreter under root's home may not be): python()
 * if it works for them, else /usr/bin/python3.
 */
export function pythonFor(uid: number): string {
  for (const py of [python(), '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'pass'], { uid, gid: uid }).status === 0) return py;
  }
  throw new Error(`no python3 that uid ${uid} can run`);
}

/** A fresh directory under /tmp that other uids can enter (the epilog tests run as them). */
export function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `xalt-${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A scratch directory removed when test `t` ends, passed or failed. */
export function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = scratch(prefix);
  t.after(() => cleanup(dir));
  return dir;
}

/** xalt_site_rules.py as `xalt build` writes it for these python_packages rules (TOML rows). */
export function pythonRules(rows: string[]): string {
  const { config, errors } = parseSiteConfig(`[rules]\npython_packages = [\n${rows.join(',\n')}\n]\n`, 'rules.toml');
  if (!config) throw new Error(`rules do not parse: ${errors.join('; ')}`);
  return emitPythonRules(config);
}

/** A fake installed distribution: its top-level modules and files. */
export interface FakeDist {
  /** distribution name as in METADATA (e.g. "Beta-Dist") */
  name: string;
  version: string;
  /** top-level packages it installs (directories with __init__.py) */
  packages?: string[];
  /** top-level single-file modules it installs */
  modules?: string[];
  /** write top_level.txt (default true) */
  topLevelTxt?: boolean;
  /** write a RECORD listing the installed files (as every wheel install does) */
  record?: boolean;
}

/** Write distributions into `site` the way pip lays out a wheel install. */
export function writeSite(site: string, dists: FakeDist[]): void {
  mkdirSync(site, { recursive: true });
  for (const d of dists) {
    const tops = [...(d.packages ?? []), ...(d.modules ?? [])];
    for (const p of d.packages ?? []) {
      mkdirSync(join(site, p), { recursive: true });
      writeFileSync(join(site, p, '__init__.py'), `NAME = ${JSON.stringify(p)}\n`);
      writeFileSync(join(site, p, 'sub.py'), 'X = 1\n');
    }
    for (const m of d.modules ?? []) writeFileSync(join(site, `${m}.py`), `NAME = ${JSON.stringify(m)}\n`);
    const info = join(site, `${d.name.replace(/[-.]+/g, '_')}-${d.version}.dist-info`);
    mkdirSync(info, { recursive: true });
    writeFileSync(join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${d.name}\nVersion: ${d.version}\n\nA fake distribution.\n`);
    if (d.topLevelTxt !== false) writeFileSync(join(info, 'top_level.txt'), `${tops.join('\n')}\n`);
    if (d.record) {
      const files = [...(d.packages ?? []).flatMap((p) => [`${p}/__init__.py`, `${p}/sub.py`, `${p}/__pycache__/sub.cpython-311.pyc`]), ...(d.modules ?? []).map((m) => `${m}.py`)];
      const own = ['METADATA', 'RECORD'].map((f) => `${basename(info)}/${f}`);
      writeFileSync(join(info, 'RECORD'), [...files, ...own, '../../../bin/tool'].map((f) => `${f},sha256=x,1\n`).join(''));
    }
  }
}

/** Identity of one fake PKGS run, as the collector would create it. */
export interface FakeRun {
  uid: number;
  jobId: string;
  runUuid: string;
  syshost: string;
  user: string;
  startEpoch: number;
  dateTime: string;
  tmpdir: string;
}

export function fakeRun(tmp: string, over: Partial<FakeRun> = {}): FakeRun {
  // A start in the past (with a fraction that prints exactly), as a real run would have.
  const startEpoch = over.startEpoch ?? Math.floor(Date.now() / 1000) - 0.75;
  return {
    uid: 0, jobId: '42', runUuid: uuid7(), syshost: 'testhost', user: 'alice', tmpdir: tmp,
    startEpoch, dateTime: fileTimeStamp(startEpoch), ...over,
  };
}

/** The staging path of `run` for process `pid` ("$$" to let the shell fill in its own). */
export function stagingPath(run: FakeRun, pid: number | string): string {
  return join(run.tmpdir, `xalt_pkg.${run.uid}.${run.jobId}.${run.runUuid}.${pid}.${run.syshost}.${run.dateTime}.${run.user}.jsonl`);
}

export function startPath(run: FakeRun): string {
  return join(run.tmpdir, `xalt_start.${run.uid}.${run.jobId}.${run.runUuid}.json`);
}

/**
 * argv that runs `python -c code` as a PKGS run: the shell exports the variables with its
 * own pid and then execs Python, so the pid in the staging name is Python's, as when the
 * collector sets them from inside the process.
 */
export function pkgsRunArgv(run: FakeRun, code: string, py: string = python()): string[] {
  const script = `export XALT_RUN_UUID=${run.runUuid} XALT_DATE_TIME=${run.dateTime} XALT_PKG_STAGING="${stagingPath(run, '$$')}"; exec "$0" -c "$1"`;
  return ['sh', '-c', script, py, code];
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  pythonPath?: string[];
  uid?: number;
  gid?: number;
  cwd?: string;
}

function environment(o: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], LANG: 'C.UTF-8' };
  if (o.pythonPath) env['PYTHONPATH'] = o.pythonPath.join(':');
  for (const [k, v] of Object.entries(o.env ?? {})) if (v !== undefined) env[k] = v;
  return env;
}

/** Run a PKGS Python to completion. */
export function runPython(run: FakeRun, code: string, o: RunOptions = {}, py?: string): SpawnSyncReturns<string> {
  const [cmd, ...args] = pkgsRunArgv(run, code, py);
  return spawnSync(cmd!, args, { encoding: 'utf8', env: environment(o), uid: o.uid, gid: o.gid, cwd: o.cwd });
}

/** Start a PKGS Python, wait until it prints "ready", kill it with `signal`, wait for it to end. */
export async function runAndKill(run: FakeRun, code: string, signal: NodeJS.Signals, o: RunOptions = {}): Promise<void> {
  const [cmd, ...args] = pkgsRunArgv(run, code, o.uid === undefined ? python() : pythonFor(o.uid));
  const child = spawn(cmd!, args, { env: environment(o), uid: o.uid, gid: o.gid, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready')) child.kill(signal);
    });
    child.on('error', reject);
    child.on('exit', (code, sig) => (sig === signal ? resolve() : reject(new Error(`python ended with ${code ?? sig}, not ${signal}: ${out}`))));
  });
}

/** The staged lines of a staging file, parsed. */
export function stagedLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

/** Files in `dir` whose names start with `prefix`. */
export function filesStarting(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(prefix));
}

/** A start record as the collector stages it (end_time 0), serialized by the real writer. */
export function startRecordText(run: FakeRun, over: Record<string, unknown> = {}): string {
  return serializeRecord({
    cmdlineA: ['python3', 'train.py'],
    hash_id: 'a'.repeat(40),
    libA: [['/lib/x86_64-linux-gnu/libc.so.6', '0']],
    ptA: [],
    envT: {},
    userT: {
      syshost: run.syshost, run_uuid: run.runUuid, exec_path: '/usr/bin/python3', exec_type: 'binary', cwd: '/home/alice',
      currentEpoch: String(Math.floor(run.startEpoch)), start_date: 'Mon Nov 23 10:00:00 2026', user: run.user,
      scheduler: 'SLURM', account: 'acct', job_id: run.jobId, queue: 'cpu', submit_host: 'login1',
      host: 'node1', job_step: '0', end_reason: '', exec_build_id: '', parent_run_uuid: '', start_policy: 'staged',
    },
    userDT: { start_time: run.startEpoch, end_time: 0, run_time: 0, probability: 1, num_tasks: 1, num_gpus: 0, exec_epoch: Math.floor(run.startEpoch), num_threads: 1, num_cores: 1, num_nodes: 1, exit_status: 0, signal: 0, gpu_used: 0, schema_version: 1 },
    xaltLinkT: {},
    XALT_measureT: {},
    XALT_qaT: {},
    ...over,
  });
}

/** Write `text` to `path` owned by uid/gid with mode 0600, as a user's process would. */
export function writeOwned(path: string, text: string, uid: number, gid: number = uid): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o600 });
  chownSync(path, uid, gid);
}

/** Every file below `dir` (relative paths), sorted. */
export function tree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    const p = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, p)).isDirectory()) out.push(...tree(dir, p));
    else out.push(p);
  }
  return out.sort();
}

/** Run the built `xalt` CLI. */
export function xalt(args: string[], o: { env?: Record<string, string>; uid?: number; gid?: number } = {}): SpawnSyncReturns<string> {
  const env = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...(o.env ?? {}) };
  return spawnSync(process.execPath, [XALT_BIN, ...args], { encoding: 'utf8', env, uid: o.uid, gid: o.gid });
}
