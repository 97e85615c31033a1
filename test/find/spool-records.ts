/**
 * Record builders for spool tests: real run/link/pkg records made with the schema's writer
 * (`serializeRecord`), placed where the collector puts them (`recordDir`, `runFileName`, …).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { linkFileName, pkgFileName, recordDir, runFileName, serializeRecord, uuid7 } from '../../src/schema/index.js';

export interface SpoolRun {
  uuid?: string;
  user?: string;
  syshost?: string;
  host?: string;
  job_id?: string;
  exec_path?: string;
  cmdline?: string[];
  start: number;
  run_time?: number;
  /** write the end record (default true) */
  end?: boolean;
  /** write the start record (default true) */
  startRecord?: boolean;
  exit_status?: number;
  signal?: number;
  end_reason?: string;
  num_cores?: number;
  libs?: string[];
  build_uuid?: string;
  build_epoch?: number;
  build_id?: string;
  pkgs?: { name: string; version: string }[];
}

function runRecord(r: SpoolRun, uuid: string, isEnd: boolean): object {
  const runTime = r.run_time ?? 10;
  const exec = r.exec_path ?? '/usr/bin/hostname';
  return {
    cmdlineA: r.cmdline ?? [exec], hash_id: 'a'.repeat(40), libA: (r.libs ?? ['/lib64/libc.so.6']).map((p) => [p, '0']), ptA: [],
    envT: { SLURM_JOB_ID: r.job_id ?? '77' },
    userT: {
      syshost: r.syshost ?? 'spoolhost', run_uuid: uuid, exec_path: exec, exec_type: 'binary', cwd: '/home/u', currentEpoch: String(r.start),
      start_date: 'x', user: r.user ?? 'alice', execModify: 'x', scheduler: 'SLURM', account: 'acct', job_id: r.job_id ?? '77', queue: 'normal',
      submit_host: 'login1', host: r.host ?? 'cn01', job_step: '0', end_reason: isEnd ? (r.end_reason ?? 'exit') : '', exec_build_id: r.build_id ?? '',
      parent_run_uuid: '', start_policy: 'always',
    },
    userDT: {
      ...(r.build_epoch !== undefined ? { Build_Epoch: r.build_epoch } : {}), start_time: r.start, end_time: isEnd ? r.start + runTime : 0,
      run_time: isEnd ? runTime : 0, probability: 1, num_tasks: r.num_cores ?? 1, num_gpus: 0, exec_epoch: Math.floor(r.start), num_threads: 1,
      num_cores: r.num_cores ?? 1, num_nodes: 1, exit_status: isEnd ? (r.exit_status ?? 0) : -1, signal: isEnd ? (r.signal ?? 0) : 0, gpu_used: 0, schema_version: 1,
    },
    xaltLinkT: r.build_uuid ? { Build_UUID: r.build_uuid, Build_Epoch: String(r.build_epoch ?? r.start - 86400) } : {},
    XALT_measureT: {}, XALT_qaT: {},
  };
}

function put(prefix: string, rel: string, content: string): void {
  const path = join(prefix, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Write a run's start/end/pkg records under `prefix` (month/hash layout); returns its uuid. */
export function writeSpoolRun(prefix: string, r: SpoolRun): string {
  const uuid = r.uuid ?? uuid7(r.start * 1000);
  const dir = recordDir('month/hash', r.start, uuid);
  const user = r.user ?? 'alice';
  const sys = r.syshost ?? 'spoolhost';
  if (r.startRecord !== false) put(prefix, `${dir}/${runFileName(sys, r.start, user, true, uuid)}`, serializeRecord(runRecord(r, uuid, false)));
  if (r.end !== false) put(prefix, `${dir}/${runFileName(sys, r.start, user, false, uuid)}`, serializeRecord(runRecord(r, uuid, true)));
  (r.pkgs ?? []).forEach((p, i) => {
    const rec = { program: 'python', xalt_run_uuid: uuid, package_version: p.version, package_name: p.name, package_path: `/site-packages/${p.name}`, program_version: '3.11.7' }; // as xalt's hook writes them
    put(prefix, `${dir}/${pkgFileName(sys, r.start, user, uuid, i.toString(16).padStart(12, '0'))}`, serializeRecord(rec));
  });
  return uuid;
}

/** Write a link record; returns its build uuid. */
export function writeSpoolLink(prefix: string, l: { uuid?: string; build_epoch: number; build_user?: string; link_program?: string; build_id?: string; exec_path?: string }): string {
  const uuid = l.uuid ?? uuid7(l.build_epoch * 1000);
  const rec = {
    resultT: {
      uuid, link_program: l.link_program ?? 'gcc', link_path: '/usr/bin/gcc', build_user: l.build_user ?? 'alice', build_epoch: l.build_epoch.toFixed(4),
      exec_path: l.exec_path ?? '/home/alice/a.out', hash_id: 'b'.repeat(40), wd: '/home/alice', build_syshost: 'spoolhost', build_host: 'login1',
      build_id: l.build_id ?? '', link_source: 'wrapper', shared: 'no',
    },
    linkA: [['/usr/lib64/libm.so', '0']], function: [], link_line: ['gcc', '-o', 'a.out', 'a.c'],
  };
  put(prefix, `${recordDir('month/hash', l.build_epoch, uuid)}/${linkFileName('spoolhost', l.build_epoch, l.build_user ?? 'alice', uuid)}`, serializeRecord(rec));
  return uuid;
}

/** Put arbitrary bytes at `rel` (for bad-input tests). */
export function writeSpoolFile(prefix: string, rel: string, content: string): void {
  put(prefix, rel, content);
}
