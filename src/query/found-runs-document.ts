/**
 * How `xalt find` shows runs: a block per run for people (like `scontrol show job`, but
 * only the lines that say something), one flat row per run for CSV/TSV/Markdown, and the
 * full nested record for JSON.
 */
import { UserError } from '../errors.js';
import { resultOf, type FoundRun } from './found-run.js';
import { slurmJobName } from './job-spec.js';
import { OUTPUT_SCHEMA_VERSION, type Column, type Document } from '../document/document.js';
import { formatDuration, formatUtc, isoUtc } from '../document/format-cell.js';

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
    case 'job_end': return `still running when the job ended${r.job_state ? ` (job ${r.job_state})` : ''}; closed by xalt-ship`;
    case 'never_ended': return 'no end record: still running, or lost';
    case 'ended': return 'ended (exit status not recorded)';
  }
}

/** Shell-like quoting so a command line can be pasted back. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** What each integrity flag means, for the `flags` line. */
const FLAG_MEANINGS: Readonly<Record<string, string>> = {
  owner_mismatch: 'the record names a user other than the owner of its file',
  crc_mismatch: "the record's bytes changed after xalt wrote it",
};

/** The mark on a flagged run's first line: `[FLAGGED owner_mismatch]`. */
function flagMark(r: FoundRun): string {
  return r.flagged ? `  [FLAGGED ${r.flags.join(',')}]` : '';
}

function flagsLine(r: FoundRun): string[] {
  if (!r.flagged) return [];
  const what = r.flags.map((f) => (FLAG_MEANINGS[f] ? `${f} (${FLAG_MEANINGS[f]})` : f)).join('; ');
  return [`flags      ${what}; left out of reports unless --include-flagged`];
}

/** `job 110_2.batch (job id 112)  account a  queue q`, or `no job`. */
function jobLine(r: FoundRun): string {
  const name = slurmJobName(r);
  const id = name !== null && r.array_job_id !== null && r.array_task_id !== null && r.job_id !== null ? ` (job id ${r.job_id})` : '';
  const parts = [name !== null ? `job ${name}${id}` : 'no job', r.account ? `account ${r.account}` : '', r.queue ? `queue ${r.queue}` : ''];
  return `job        ${parts.filter(Boolean).join('  ')}`;
}

function resourcesLine(r: FoundRun): string {
  const gpus = r.num_gpus ? `  ${count(r.num_gpus, 'GPU')}` : '';
  const cores = r.cpus_per_task > 1
    ? [`${count(r.num_cores, 'core')} (${count(r.num_tasks, 'task')} × ${r.cpus_per_task} CPUs per task)`, count(r.num_nodes, 'node')]
    : [count(r.num_cores, 'core'), count(r.num_nodes, 'node'), count(r.num_tasks, 'task')];
  return `resources  ${[...cores, count(r.num_threads, 'thread')].join('  ')}${gpus}${r.probability < 1 ? `  (sampled, p=${r.probability})` : ''}`;
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
  const lines = [`run ${r.run_uuid}  ${r.user}  ${r.app_name !== r.exec_name ? `${r.app_name} (${r.exec_name})` : r.exec_name}  on ${r.syshost}${r.host ? ` (${r.host})` : ''}${flagMark(r)}`];
  const end = r.end_time !== null ? `  ended ${formatUtc(r.end_time)}` : '';
  const dur = r.run_time !== null ? `  ran ${formatDuration(r.run_time)}` : '';
  lines.push(`start      ${formatUtc(r.start_time)} UTC${end}${dur}`);
  lines.push(`outcome    ${describeEnd(r)}${r.failed ? '  [FAILED]' : ''}`);
  lines.push(`command    ${shellQuote(r.cmdline.length ? r.cmdline : [r.exec_path])}`);
  if (verbose || r.cmdline[0] !== r.exec_path) lines.push(`executable ${r.exec_path}`);
  if (verbose && r.cwd) lines.push(`directory  ${r.cwd}`);
  lines.push(...flagsLine(r), jobLine(r), resourcesLine(r));
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
  { key: 'account', header: 'Account', format: 'text' }, { key: 'job', header: 'Job', format: 'text' },
  { key: 'job_id', header: 'Job id', format: 'text' }, { key: 'array_job_id', header: 'Array job', format: 'text' },
  { key: 'array_task_id', header: 'Array task', format: 'text' }, { key: 'job_step', header: 'Step', format: 'text' },
  { key: 'queue', header: 'Queue', format: 'text' }, { key: 'app_name', header: 'Application', format: 'text' },
  { key: 'exec_path', header: 'Executable', format: 'text' }, { key: 'start_time', header: 'Start (UTC)', format: 'datetime' },
  { key: 'end_time', header: 'End (UTC)', format: 'datetime' }, { key: 'run_time', header: 'Run time (s)', format: 'int' },
  { key: 'outcome', header: 'Outcome', format: 'text' }, { key: 'result', header: 'Result', format: 'text' }, { key: 'exit_status', header: 'Exit', format: 'int' },
  { key: 'exit_signal', header: 'Signal', format: 'int' }, { key: 'job_state', header: 'Job state', format: 'text' },
  { key: 'failed', header: 'Failed', format: 'text' }, { key: 'flags', header: 'Flags', format: 'text' },
  { key: 'num_cores', header: 'Cores', format: 'int' }, { key: 'num_tasks', header: 'Tasks', format: 'int' },
  { key: 'cpus_per_task', header: 'CPUs/task', format: 'int' }, { key: 'num_nodes', header: 'Nodes', format: 'int' },
  { key: 'num_gpus', header: 'GPUs', format: 'int' }, { key: 'modules', header: 'Modules', format: 'text' },
  { key: 'num_libraries', header: 'Libraries', format: 'int' }, { key: 'compiler', header: 'Compiler', format: 'text' },
  { key: 'build_user', header: 'Built by', format: 'text' }, { key: 'packages', header: 'Packages', format: 'text' },
  { key: 'cmdline', header: 'Command', format: 'text' },
];

/** Every column `--fields` may name, in the order CSV lists them. */
const FIND_FIELDS: readonly string[] = flatColumns.map((c) => c.key);

/**
 * The columns `--fields a,b` names, in that order; a usage error names an unknown one.
 * @example findFields('user,job,outcome') // the User, Job and Outcome columns
 */
export function findFields(text: string): readonly Column[] {
  const names = text.split(',').map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
  if (names.length === 0) throw new UserError('XALT_USAGE', `--fields ${JSON.stringify(text)}: no field given`, `for example --fields start_time,user,job,app_name,outcome`);
  const bad = names.find((n) => !FIND_FIELDS.includes(n));
  if (bad !== undefined) throw new UserError('XALT_USAGE', `--fields: unknown field "${bad}"; fields are ${FIND_FIELDS.join(', ')}`, 'for example --fields start_time,user,job,app_name,outcome');
  return names.map((n) => flatColumns.find((c) => c.key === n)!);
}

/** Runs as one flat table (lists joined with spaces) for CSV, TSV, Markdown and `--fields`; `columns` picks and orders the columns. */
export function renderRunsDocument(runs: readonly FoundRun[], columns: readonly Column[] = flatColumns): Document {
  const rows = runs.map((r) => ({
    run_uuid: r.run_uuid, syshost: r.syshost, host: r.host, user: r.user, account: r.account, job: slurmJobName(r), job_id: r.job_id,
    array_job_id: r.array_job_id, array_task_id: r.array_task_id, job_step: r.job_step, queue: r.queue,
    app_name: r.app_name, exec_path: r.exec_path, start_time: r.start_time, end_time: r.end_time, run_time: r.run_time,
    outcome: r.outcome, result: resultOf(r), exit_status: r.exit_status, exit_signal: r.exit_signal, job_state: r.job_state, failed: r.failed ? 'yes' : 'no',
    flags: r.flags.join(' '), num_cores: r.num_cores, num_tasks: r.num_tasks, cpus_per_task: r.cpus_per_task, num_nodes: r.num_nodes, num_gpus: r.num_gpus, modules: r.modules.join(' '),
    num_libraries: r.libraries.length, compiler: r.build?.link_program ?? null, build_user: r.build?.build_user ?? null,
    packages: r.packages.map((p) => (p.version ? `${p.name}==${p.version}` : p.name)).join(' '), cmdline: shellQuote(r.cmdline),
  }));
  return { title: 'xalt find', meta: [], tables: [{ id: 'runs', title: 'Runs', columns, rows }] };
}

/** Runs as JSON: every field, times as ISO-8601 UTC plus the raw epoch; `flaggedLeftOut`: flagged runs that matched but are not listed. */
export function renderRunsJson(runs: readonly FoundRun[], truncated: boolean, flaggedLeftOut = 0): string {
  const out = runs.map((r) => ({
    ...r,
    result: resultOf(r),
    job: slurmJobName(r),
    start: isoUtc(r.start_time),
    end: r.end_time !== null ? isoUtc(r.end_time) : null,
    build: r.build ? { ...r.build, build_date: isoUtc(r.build.build_epoch) } : null,
  }));
  return `${JSON.stringify({ schema_version: OUTPUT_SCHEMA_VERSION, count: runs.length, truncated, flagged_left_out: flaggedLeftOut, runs: out }, null, 2)}\n`;
}
