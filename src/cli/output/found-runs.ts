/**
 * How `xalt find` shows runs: a block per run for people (like `scontrol show job`, but
 * only the lines that say something), one flat row per run for CSV/TSV/Markdown, and the
 * full nested record for JSON.
 */
import type { FoundRun } from '../../query/found-run.js';
import { OUTPUT_SCHEMA_VERSION, type Column, type Document } from './document.js';
import { formatDuration, formatUtc, isoUtc } from './format-cell.js';

const SIGNALS: Readonly<Record<number, string>> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL',
  10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ',
};

/** `signal 9 (SIGKILL)` */
export function signalName(n: number): string {
  return SIGNALS[n] ? `signal ${n} (${SIGNALS[n]})` : `signal ${n}`;
}

/** One phrase for how the run ended. */
export function describeEnd(r: FoundRun): string {
  switch (r.outcome) {
    case 'exit': return r.exit_status === null || r.exit_status < 0 ? 'exited (status unknown)' : `exit ${r.exit_status}`;
    case 'signal': return r.exit_signal ? `killed by ${signalName(r.exit_signal)}` : 'killed by a signal';
    case 'job_end': return 'still running when the job ended (closed by the epilog)';
    case 'never_ended': return 'no end record: still running, or lost';
    case 'ended': return 'ended (exit status not recorded)';
  }
}

/** Shell-like quoting so a command line can be pasted back. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const LIBS_SHOWN = 6;

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function librariesLine(r: FoundRun, verbose: boolean): string[] {
  if (r.libraries.length === 0) return [];
  const show = (l: FoundRun['libraries'][number]) => (l.module ? `${l.path} [${l.module}]` : l.path);
  if (verbose) return [`libraries  ${r.libraries.length}:`, ...r.libraries.map((l) => `             ${show(l)}`)];
  const fromModules = r.libraries.filter((l) => l.module);
  const picked = [...fromModules, ...r.libraries.filter((l) => !l.module)].slice(0, LIBS_SHOWN);
  const names = picked.map((l) => l.path.slice(l.path.lastIndexOf('/') + 1));
  const more = r.libraries.length > picked.length ? `, … ${r.libraries.length - picked.length} more (-v lists all)` : '';
  return [`libraries  ${r.libraries.length}: ${names.join(', ')}${more}`];
}

function buildLine(r: FoundRun): string[] {
  const b = r.build;
  if (!b) return [`built      no link record (${r.module_name ? 'installed software' : 'not linked under xalt'})`];
  const who = b.build_user && b.build_user !== r.user ? ` by ${b.build_user}` : b.build_user ? ' by the same user' : '';
  const mods = b.link_modules.length ? `; link modules: ${b.link_modules.join(', ')}` : '';
  return [`built      ${b.link_program ?? 'unknown compiler'} on ${formatUtc(b.build_epoch)}${who}${b.build_syshost ? ` on ${b.build_syshost}` : ''}${mods}`];
}

/** One run as a block of labelled lines. */
export function runBlock(r: FoundRun, verbose: boolean): string {
  const lines = [`run ${r.run_uuid}  ${r.user}  ${r.app_name !== r.exec_name ? `${r.app_name} (${r.exec_name})` : r.exec_name}  on ${r.syshost}${r.host ? ` (${r.host})` : ''}`];
  const end = r.end_time !== null ? `  ended ${formatUtc(r.end_time)}` : '';
  const dur = r.run_time !== null ? `  ran ${formatDuration(r.run_time)}` : '';
  lines.push(`start      ${formatUtc(r.start_time)} UTC${end}${dur}`);
  lines.push(`outcome    ${describeEnd(r)}${r.failed ? '  [FAILED]' : ''}`);
  lines.push(`command    ${shellQuote(r.cmdline.length ? r.cmdline : [r.exec_path])}`);
  if (verbose || r.cmdline[0] !== r.exec_path) lines.push(`executable ${r.exec_path}`);
  if (verbose && r.cwd) lines.push(`directory  ${r.cwd}`);
  const job = [r.job_id ? `job ${r.job_id}${r.job_step ? `.${r.job_step}` : ''}` : 'no job', r.account ? `account ${r.account}` : '', r.queue ? `queue ${r.queue}` : ''];
  lines.push(`job        ${job.filter(Boolean).join('  ')}`);
  const gpus = r.num_gpus ? `  ${count(r.num_gpus, 'GPU')}` : '';
  const res = [count(r.num_cores, 'core'), count(r.num_nodes, 'node'), count(r.num_tasks, 'task'), count(r.num_threads, 'thread')].join('  ');
  lines.push(`resources  ${res}${gpus}${r.probability < 1 ? `  (sampled, p=${r.probability})` : ''}`);
  if (r.modules.length) lines.push(`modules    ${r.modules.join(', ')}`);
  lines.push(...librariesLine(r, verbose), ...buildLine(r));
  if (r.packages.length) lines.push(`packages   ${r.packages.map((p) => (p.version ? `${p.name} ${p.version}` : p.name)).join(', ')}`);
  if (r.parent_run_uuid) lines.push(`parent     ${r.parent_run_uuid}`);
  if (verbose) for (const [k, v] of Object.entries(r.env)) lines.push(`env        ${k}=${v}`);
  return `${lines[0]}\n${lines.slice(1).map((l) => `  ${l}`).join('\n')}\n`;
}

/** Every run as text, separated by blank lines. */
export function renderRunsText(runs: readonly FoundRun[], verbose: boolean): string {
  return runs.map((r) => runBlock(r, verbose)).join('\n');
}

const flatColumns: Column[] = [
  { key: 'run_uuid', header: 'Run UUID', format: 'text' }, { key: 'syshost', header: 'Syshost', format: 'text' },
  { key: 'host', header: 'Host', format: 'text' }, { key: 'user', header: 'User', format: 'text' },
  { key: 'account', header: 'Account', format: 'text' }, { key: 'job_id', header: 'Job', format: 'text' },
  { key: 'queue', header: 'Queue', format: 'text' }, { key: 'app_name', header: 'Application', format: 'text' },
  { key: 'exec_path', header: 'Executable', format: 'text' }, { key: 'start_time', header: 'Start (UTC)', format: 'datetime' },
  { key: 'end_time', header: 'End (UTC)', format: 'datetime' }, { key: 'run_time', header: 'Run time (s)', format: 'int' },
  { key: 'outcome', header: 'Outcome', format: 'text' }, { key: 'exit_status', header: 'Exit', format: 'int' },
  { key: 'exit_signal', header: 'Signal', format: 'int' }, { key: 'failed', header: 'Failed', format: 'text' },
  { key: 'num_cores', header: 'Cores', format: 'int' }, { key: 'num_nodes', header: 'Nodes', format: 'int' },
  { key: 'num_gpus', header: 'GPUs', format: 'int' }, { key: 'modules', header: 'Modules', format: 'text' },
  { key: 'num_libraries', header: 'Libraries', format: 'int' }, { key: 'compiler', header: 'Compiler', format: 'text' },
  { key: 'build_user', header: 'Built by', format: 'text' }, { key: 'packages', header: 'Packages', format: 'text' },
  { key: 'cmdline', header: 'Command', format: 'text' },
];

/** Runs as one flat table (lists joined with spaces) for CSV, TSV and Markdown. */
export function renderRunsDocument(runs: readonly FoundRun[]): Document {
  const rows = runs.map((r) => ({
    run_uuid: r.run_uuid, syshost: r.syshost, host: r.host, user: r.user, account: r.account, job_id: r.job_id, queue: r.queue,
    app_name: r.app_name, exec_path: r.exec_path, start_time: r.start_time, end_time: r.end_time, run_time: r.run_time,
    outcome: r.outcome, exit_status: r.exit_status, exit_signal: r.exit_signal, failed: r.failed ? 'yes' : 'no',
    num_cores: r.num_cores, num_nodes: r.num_nodes, num_gpus: r.num_gpus, modules: r.modules.join(' '),
    num_libraries: r.libraries.length, compiler: r.build?.link_program ?? null, build_user: r.build?.build_user ?? null,
    packages: r.packages.map((p) => (p.version ? `${p.name}==${p.version}` : p.name)).join(' '), cmdline: shellQuote(r.cmdline),
  }));
  return { title: 'xalt find', meta: [], tables: [{ id: 'runs', title: 'Runs', columns: flatColumns, rows }] };
}

/** Runs as JSON: every field, times as ISO-8601 UTC plus the raw epoch. */
export function renderRunsJson(runs: readonly FoundRun[], truncated: boolean): string {
  const out = runs.map((r) => ({
    ...r,
    start: isoUtc(r.start_time),
    end: r.end_time !== null ? isoUtc(r.end_time) : null,
    build: r.build ? { ...r.build, build_date: isoUtc(r.build.build_epoch) } : null,
  }));
  return `${JSON.stringify({ schema_version: OUTPUT_SCHEMA_VERSION, count: runs.length, truncated, runs: out }, null, 2)}\n`;
}
