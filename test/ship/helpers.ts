/**
 * Shared helpers for the xalt-ship tests: the real program (built by `make -C native`), two
 * real unprivileged users, a staging directory like /dev/shm (root-owned 1777), staging files
 * written by those users with the real record writer (src/schema serializeRecord), and a
 * reader for the bundles xalt-ship writes (contracts.md "Bundle files").
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeRecord } from '../../src/schema/index.js';
import { linkRecord, pkgRecord, runPair, runRecord, type Overrides } from '../fixtures/records.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SHIP = join(ROOT, 'native/build/xalt-ship');

type Obj = Record<string, unknown>;

let built = false;
/** Build native/build/xalt-ship (once per test process). */
export function buildShip(): string {
  if (!built) execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'build/xalt-ship'], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
  return SHIP;
}

export { testUser, type TestUser } from '../helpers/test-users.js';

import { testUser, type TestUser } from '../helpers/test-users.js';

export const alice = (): TestUser => testUser('xship_alice');
export const bob = (): TestUser => testUser('xship_bob');
/**
 * Users of the timer tests alone: the timer leaves an old run staged while its user has a
 * process on the node, and other test files run processes as alice and bob at the same time.
 */
export const timerAlice = (): TestUser => testUser('xship_talice');
export const timerBob = (): TestUser => testUser('xship_tbob');

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A scratch directory (removed at exit) with `mode`. */
export function scratch(tag: string, mode = 0o755): string {
  const d = mkdtempSync(join(tmpdir(), `xalt-ship-${tag}-`));
  chmodSync(d, mode);
  made.push(d);
  return d;
}

/** A node as xalt-ship sees it: staging (1777, like /dev/shm), spool prefix (root 0755), state dir. */
export interface Node {
  readonly staging: string;
  readonly spool: string;
  readonly state: string;
}

export function node(): Node {
  const base = scratch('node');
  const staging = join(base, 'shm');
  const spool = join(base, 'spool');
  const state = join(base, 'state');
  mkdirSync(staging);
  chmodSync(staging, 0o1777);
  mkdirSync(spool, { mode: 0o755 });
  return { staging, spool, state };
}

/** Run `fn` with the effective uid/gid of `u` (files it creates are theirs, as the kernel sees it). */
export function asUser<T>(u: TestUser, fn: () => T): T {
  const { seteuid, setegid } = process;
  if (!seteuid || !setegid) throw new Error('asUser needs a POSIX system');
  setegid(u.gid);
  seteuid(u.uid);
  try {
    return fn();
  } finally {
    seteuid(0);
    setegid(0);
  }
}

/** Run a shell command as `u` (a real process of theirs). */
export function shAs(u: TestUser, script: string, opts: { timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync('/bin/sh', ['-c', script], { uid: u.uid, gid: u.gid, encoding: 'utf8', timeout: opts.timeout ?? 30_000, env: { PATH: '/usr/bin:/bin' } });
}

export interface ShipResult {
  status: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

let shipCopy: string | undefined;
/**
 * xalt-ship where any account can run it: a copy in a scratch directory, since the checkout may
 * sit where other accounts cannot enter (root's 0700 home, a `mktemp -d`).
 */
function shipForOthers(): string {
  if (shipCopy === undefined) {
    const copy = join(scratch('ship-bin'), 'xalt-ship');
    copyFileSync(buildShip(), copy);
    chmodSync(copy, 0o755);
    shipCopy = copy;
  }
  return shipCopy;
}

/** Run xalt-ship on `n` with `args` (as root unless `as` is given). */
export function ship(n: Node, args: readonly string[], opts: { as?: TestUser; env?: Record<string, string> } = {}): ShipResult {
  const r = spawnSync(opts.as ? shipForOthers() : buildShip(), ['--tmpdir', n.staging, '--spool', n.spool, '--state-dir', n.state, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: '/usr/bin:/bin', ...opts.env },
    ...(opts.as ? { uid: opts.as.uid, gid: opts.as.gid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** A staged run: what the collector leaves in staging (start record unless `end`). */
export interface StagedRun {
  readonly uuid: string;
  readonly record: Obj;
  readonly file: string;
}

/** Overrides that make a fixture record this user's run in `job`, started `ago` seconds ago. */
export function runOverrides(u: TestUser, job: string, ago = 30, extra: Overrides = {}): Overrides {
  const start = Date.now() / 1000 - ago;
  return {
    hash_id: '',
    userT: { user: u.name, job_id: job, exec_identity: '', job_state: '', ...((extra['userT'] as Obj) ?? {}) },
    userDT: { start_time: start, exec_epoch: Math.floor(start), ...((extra['userDT'] as Obj) ?? {}) },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'userT' && k !== 'userDT')),
  };
}

/** The staging name of a run, pkg or link file (contracts.md "Node-local staging"). */
export const runName = (uid: number, job: string, uuid: string) => `xalt_run.${uid}.${job}.${uuid}.json`;
export const pkgName = (uid: number, job: string, uuid: string, user: string, pid = 4242) =>
  `xalt_pkg.${uid}.${job}.${uuid}.${pid}.testhost.2023_11_14_22_13_20_2500.${user}.jsonl`;
export const linkName = (uid: number, job: string, uuid: string) => `xalt_link.${uid}.${job}.${uuid}.json`;

/** `u` stages a run in `job` (a start record, or an end record with `end`). */
export function stageRun(n: Node, u: TestUser, job: string, opts: { end?: boolean; ago?: number; over?: Overrides; nameUid?: number } = {}): StagedRun {
  const over = runOverrides(u, job, opts.ago ?? 30, opts.over ?? {});
  const record = opts.end ? runRecord(over, { end: true }) : runPair(over).start;
  if (opts.end) {
    const d = record['userDT'] as Obj;
    d['end_time'] = Number(d['start_time']) + 10;
  }
  const uuid = (record['userT'] as Obj)['run_uuid'] as string;
  const file = join(n.staging, runName(opts.nameUid ?? u.uid, job, uuid));
  asUser(u, () => writeFileSync(file, serializeRecord(record), { mode: 0o600 }));
  return { uuid, record, file };
}

/** `u` stages the pkg file of run `uuid` with one line per package. */
export function stagePkgs(n: Node, u: TestUser, job: string, uuid: string, packages: readonly string[], nameUser = u.name): string {
  const file = join(n.staging, pkgName(u.uid, job, uuid, nameUser));
  const text = packages.map((p) => serializeRecord(pkgRecord(uuid, { package_name: p }))).join('');
  asUser(u, () => writeFileSync(file, text, { mode: 0o600 }));
  return file;
}

/** `u` stages a link record. */
export function stageLink(n: Node, u: TestUser, job: string, over: Overrides = {}): { uuid: string; file: string } {
  const rec = linkRecord({ resultT: { build_user: u.name, ...((over['resultT'] as Obj) ?? {}) } });
  const uuid = (rec['resultT'] as Obj)['uuid'] as string;
  const file = join(n.staging, linkName(u.uid, job, uuid));
  asUser(u, () => writeFileSync(file, serializeRecord(rec), { mode: 0o600 }));
  return { uuid, file };
}

/** One record of a bundle. */
export interface BundleEntry {
  readonly name: string;
  readonly owner: number;
  readonly flags: string;
  readonly text: string;
  readonly json: Obj;
}

export interface Bundle {
  readonly path: string;
  readonly header: string[];
  readonly entries: BundleEntry[];
}

/** Every bundle file below `spool` (any layout). */
export function bundleFiles(spool: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(spool);
  return out.sort();
}

/** Parse a bundle file strictly (header, then name line + record line pairs). */
export function readBundle(path: string): Bundle {
  const text = readFileSync(path, 'utf8');
  assertEndsInNewline(text, path);
  const lines = text.slice(0, -1).split('\n');
  const header = lines[0]!.split(' ');
  const entries: BundleEntry[] = [];
  for (let i = 1; i < lines.length; i += 2) {
    const [name, owner, flags, ...rest] = lines[i]!.split(' ');
    if (rest.length || !name || !owner || !flags || lines[i + 1] === undefined) throw new Error(`${path}: bad entry line ${i + 1}: ${lines[i]}`);
    entries.push({ name, owner: Number(owner), flags, text: `${lines[i + 1]!}\n`, json: JSON.parse(lines[i + 1]!) as Obj });
  }
  return { path, header, entries };
}

function assertEndsInNewline(text: string, path: string) {
  if (!text.endsWith('\n')) throw new Error(`${path}: does not end in a newline`);
}

/** The only bundle in the spool (fails when there are none or several). */
export function onlyBundle(spool: string): Bundle {
  const files = bundleFiles(spool);
  if (files.length !== 1) throw new Error(`expected one bundle in ${spool}, found ${files.length}: ${files.join(', ')}`);
  return readBundle(files[0]!);
}

export const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

/** `<st_dev>:<st_ino>:<st_size>:<st_mtime>` of a file, as the collector records it. */
export function identityOf(path: string): string {
  const st = statSync(path, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs / 1_000_000_000n}`;
}

/** Names in the staging directory. */
export const staged = (n: Node) => readdirSync(n.staging).sort();

/** stderr lines of a run. */
export const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);
