/**
 * The store's tables, as data. DDL for each database is rendered from this (see
 * `render-ddl.ts`), so SQLite and MySQL/MariaDB cannot drift apart.
 *
 * Design (in the spirit of XALT's schema; docs/store.md):
 * runs, links and objects (executables/libraries with their module) with join tables,
 * environment values, packages, link functions; plus ingest bookkeeping and quarantine.
 * Unlike XALT: a run is unique by run_uuid; pkgs join by run_uuid so a pkg record that
 * arrives before its run is kept; long strings that need uniqueness are keyed by a SHA-1
 * (`object_key`, `path_hash`) because MySQL cannot index 1024 utf8mb4 characters.
 *
 * Versions: every table, column and index belongs to the schema version that added it
 * (`since`, default 1), and an index that a later version replaced says which (`until`). Each
 * migration renders exactly its version's changes from this (`render-ddl.ts`), so a store
 * created at version 1 and migrated ends with the same schema as a new one.
 */

export type ColumnType =
  | 'id' // auto-increment primary key
  | 'int'
  | 'bigint'
  | 'double'
  | 'text' // unbounded
  | `varchar(${number})`
  | `char(${number})`;

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull?: boolean;
  readonly default?: string | number;
  /** schema version that added the column (default 1); later columns are appended */
  readonly since?: number;
}

/** An index that a schema version added or dropped; a plain column list is an index of version 1. */
export interface VersionedIndex {
  readonly columns: readonly string[];
  /** the version that added it (default 1) */
  readonly since?: number;
  /** the version that dropped it (replaced it by another), if any */
  readonly until?: number;
}

export type Index = readonly string[] | VersionedIndex;

export interface Table {
  readonly name: string;
  readonly columns: readonly Column[];
  /** composite primary key (when there is no `id` column) */
  readonly primaryKey?: readonly string[];
  readonly unique?: readonly (readonly string[])[];
  readonly indexes?: readonly Index[];
  /** schema version that added the table (default 1) */
  readonly since?: number;
}

const c = (name: string, type: ColumnType, more: Partial<Column> = {}): Column => ({ name, type, ...more });

/** The columns and versions of an index. */
export function indexSpec(index: Index): { readonly columns: readonly string[]; readonly since: number; readonly until?: number } {
  return 'columns' in index ? { since: 1, ...index } : { columns: index, since: 1 };
}

/**
 * Covering indexes for reports grouped by application or module (src/report/report-context.ts).
 * They replace the plain app_name / module_name indexes (same number of B-trees per inserted
 * run, wider entries). Walking one in order lets SQLite group a whole store's runs by label and
 * job without sorting them and without reading the wide table rows: `xalt report executables`
 * over 1,000,000 runs went from ~6 s to under 2 s (bench/report.ts). Every column a grouped
 * report reads is here; job_id comes second so each label's jobs arrive grouped.
 */
const REPORT_COLUMNS_1 = ['job_id', 'user', 'account', 'start_time', 'syshost', 'num_cores', 'run_time', 'probability', 'has_end', 'end_reason', 'exit_status', 'exit_signal'] as const;
const RUN_APP_COVER_1 = ['app_name', ...REPORT_COLUMNS_1, 'num_gpus', 'module_name'] as const;
const RUN_MODULE_COVER_1 = ['module_name', ...REPORT_COLUMNS_1, 'app_name'] as const;
/**
 * Schema 3 adds to every covering index what reports now filter and split on: `flagged` (flagged
 * runs are left out of reports by default), `num_tasks` (MPI means more than one task, now that
 * num_cores counts CPUs per task too) and `job_state` (a run closed at job end counts as failed
 * unless its job completed). The indexes keep their names (they are over 64 characters, see
 * render-ddl.ts), so schema 3 drops and recreates them.
 */
const REPORT_COLUMNS = [...REPORT_COLUMNS_1, 'num_tasks', 'job_state', 'flagged'] as const;
export const RUN_APP_COVER = ['app_name', ...REPORT_COLUMNS, 'num_gpus', 'module_name'] as const;
export const RUN_MODULE_COVER = ['module_name', ...REPORT_COLUMNS, 'app_name'] as const;
/**
 * Schema 2 widens the job_id index into a covering one for the passes that must see runs in
 * job order (jobs per overview side, per library module) or need columns the other covering
 * indexes lack (host, libset_id). `xalt find --job` uses its first column as before.
 */
const RUN_JOB_COVER_2 = ['job_id', 'start_time', 'syshost', 'user', 'account', 'module_name', 'num_cores', 'libset_id', 'host'] as const;
/** Schema 3: and what a run's outcome depends on, so `report success` counts jobs with a failed run in job order. */
const RUN_JOB_COVER = [...RUN_JOB_COVER_2, 'num_tasks', 'flagged', 'has_end', 'end_reason', 'exit_status', 'exit_signal', 'job_state'] as const;

/** The columns that key a row of xalt_usage_day (src/db/usage-day.ts). */
export const USAGE_DAY_KEY = ['day', 'syshost', 'app_name', 'has_module', 'module_name', 'mpi', 'libset_id'] as const;

export const tables: readonly Table[] = [
  {
    name: 'xalt_run',
    columns: [
      c('run_id', 'id'),
      c('run_uuid', 'char(36)', { notNull: true }),
      c('syshost', 'varchar(64)', { notNull: true }),
      c('host', 'varchar(255)'),
      c('user', 'varchar(64)', { notNull: true }),
      c('account', 'varchar(64)'),
      c('job_id', 'varchar(64)'),
      c('job_step', 'varchar(32)'),
      c('queue', 'varchar(64)'),
      c('scheduler', 'varchar(16)'),
      c('exec_path', 'varchar(1024)', { notNull: true }),
      c('exec_name', 'varchar(255)', { notNull: true }), // basename of exec_path
      c('app_name', 'varchar(255)', { notNull: true }), // from the config's naming rules, else exec_name
      c('module_name', 'varchar(255)'), // from the reverse map; NULL = not from a module
      c('exec_type', 'varchar(16)'),
      c('cwd', 'varchar(1024)'),
      c('cmdline', 'text'), // JSON array of argv
      c('hash_id', 'char(40)'),
      c('build_uuid', 'char(36)'), // watermark Build_UUID → xalt_link.uuid
      c('build_id', 'varchar(80)'), // ELF build-id → xalt_link.build_id
      c('start_time', 'double', { notNull: true }),
      c('end_time', 'double', { notNull: true, default: 0 }), // 0 until an end record arrives
      c('run_time', 'double', { notNull: true, default: 0 }),
      c('probability', 'double', { notNull: true, default: 1 }), // record × pre-ingest sampling
      c('num_tasks', 'int', { notNull: true, default: 1 }),
      c('num_cores', 'int', { notNull: true, default: 1 }),
      c('num_nodes', 'int', { notNull: true, default: 1 }),
      c('num_threads', 'int', { notNull: true, default: 1 }),
      c('num_gpus', 'int', { notNull: true, default: 0 }),
      c('exit_status', 'int'), // NULL when unknown
      c('exit_signal', 'int'), // NULL or 0 when not ended by a signal
      c('end_reason', 'varchar(16)'), // exit | signal | job_end; NULL while only a start is known
      c('has_start', 'int', { notNull: true, default: 0 }),
      c('has_end', 'int', { notNull: true, default: 0 }),
      c('parent_run_uuid', 'char(36)'),
      c('container', 'varchar(32)'),
      c('owner_mismatch', 'int', { notNull: true, default: 0 }), // file owner ≠ record user (also in flags)
      c('ingested_at', 'double', { notNull: true }),
      c('libset_id', 'bigint', { since: 2 }), // → xalt_libset: the set of this run's join_run_object rows; NULL = none
      c('owner_user', 'varchar(64)', { since: 3 }), // who the run belongs to: the file owner (or the uid xalt-ship vouched for); NULL = not known
      c('array_job_id', 'varchar(64)', { since: 3 }), // SLURM_ARRAY_JOB_ID (PBS/LSF array id); NULL outside arrays
      c('array_task_id', 'varchar(16)', { since: 3 }), // SLURM_ARRAY_TASK_ID (PBS/LSF index); NULL outside arrays
      c('cpus_per_task', 'int', { notNull: true, default: 1, since: 3 }), // num_cores = num_tasks × cpus_per_task
      c('job_state', 'varchar(32)', { since: 3 }), // how the scheduler ended the job (TIMEOUT, CANCELLED, …), for runs closed at job end
      c('flags', 'varchar(255)', { notNull: true, default: '', since: 3 }), // integrity flags, sorted, comma-separated ('' = none)
      c('flagged', 'int', { notNull: true, default: 0, since: 3 }), // 1 when flags is not empty: left out of reports and daily totals
    ],
    unique: [['run_uuid']],
    indexes: [
      ['start_time'], ['user', 'start_time'], { columns: ['job_id'], until: 2 }, ['syshost', 'start_time'], ['exec_name'],
      { columns: [...RUN_APP_COVER_1], until: 3 }, { columns: [...RUN_MODULE_COVER_1], until: 3 },
      ['build_uuid'], ['build_id'], ['account'], { columns: [...RUN_JOB_COVER_2], since: 2, until: 3 },
      { columns: [...RUN_APP_COVER], since: 3 }, { columns: [...RUN_MODULE_COVER], since: 3 }, { columns: [...RUN_JOB_COVER], since: 3 },
      // find --job 110 / 110_2: every task of an array; flagged runs of a period, for reports that include them,
      // and (schema 5) a user's flagged runs, which find counts as left out, from the index alone
      { columns: ['array_job_id', 'array_task_id'], since: 3 }, { columns: ['flagged', 'start_time'], since: 3, until: 5 },
      { columns: ['flagged', 'start_time', 'user'], since: 5 },
    ],
  },
  {
    name: 'xalt_object',
    columns: [
      c('obj_id', 'id'),
      c('object_key', 'char(40)', { notNull: true }), // sha1(syshost + "\0" + object_path)
      c('object_path', 'varchar(1024)', { notNull: true }),
      c('syshost', 'varchar(64)', { notNull: true }),
      c('module_name', 'varchar(255)'),
      c('lib_type', 'varchar(4)'), // so, a, o or --
    ],
    unique: [['object_key']],
    indexes: [['module_name']],
  },
  { name: 'join_run_object', columns: [c('run_id', 'bigint', { notNull: true }), c('obj_id', 'bigint', { notNull: true })], primaryKey: ['run_id', 'obj_id'], indexes: [['obj_id']] },
  {
    // the distinct sets of objects runs loaded (src/db/libset.ts): a run's set is one id, so
    // reports group runs by what they loaded without joining millions of (run, object) pairs
    name: 'xalt_libset',
    since: 2,
    columns: [
      c('libset_id', 'id'),
      c('libset_key', 'char(40)', { notNull: true }), // sha1 of obj_ids
      c('obj_ids', 'text', { notNull: true }), // the xalt_object ids, ascending, comma-separated
    ],
    unique: [['libset_key']],
  },
  {
    // per day and what ran, the sums reports add up (src/db/usage-day.ts), kept by ingest;
    // flagged runs are not in it (schema 3)
    name: 'xalt_usage_day',
    since: 2,
    columns: [
      c('day', 'int', { notNull: true }), // UTC day number of the runs' start_time (days since 1970-01-01)
      c('syshost', 'varchar(64)', { notNull: true }),
      c('app_name', 'varchar(255)', { notNull: true }),
      c('has_module', 'int', { notNull: true }), // 1: module_name is the runs' module; 0: not from a module
      c('module_name', 'varchar(255)', { notNull: true }), // '' when has_module = 0
      c('mpi', 'int', { notNull: true }), // num_tasks > 1 (schema 2: num_cores > 1)
      c('libset_id', 'bigint', { notNull: true }), // 0 when the runs loaded no recorded objects
      c('runs', 'bigint', { notNull: true }),
      c('runs_w', 'double', { notNull: true }), // Σ 1/probability
      c('core_s', 'double', { notNull: true }), // Σ run_time × num_cores
      c('core_s_w', 'double', { notNull: true }), // … × 1/probability
      c('gpu_s', 'double', { notNull: true }), // Σ run_time × num_gpus
      c('gpu_s_w', 'double', { notNull: true }),
      c('failed', 'bigint', { notNull: true }), // runs that failed (src/db/run-outcome.ts)
      c('failed_w', 'double', { notNull: true }),
    ],
    primaryKey: [...USAGE_DAY_KEY],
  },
  {
    // per day, the distinct kinds of run for the distinct counts of reports (src/db/tuple-day.ts),
    // kept by ingest beside xalt_usage_day; flagged runs are not in it (schema 4)
    name: 'xalt_tuple_day',
    since: 4,
    columns: [
      c('day', 'int', { notNull: true }), // UTC day number of the runs' start_time
      c('tuple_key', 'char(40)', { notNull: true }), // sha1 of the columns below but runs: MySQL cannot key them all (over 3072 bytes)
      c('syshost', 'varchar(64)', { notNull: true }),
      c('job_id', 'varchar(64)'),
      c('user', 'varchar(64)', { notNull: true }),
      c('account', 'varchar(64)'),
      c('app_name', 'varchar(255)', { notNull: true }),
      c('module_name', 'varchar(255)'),
      c('mpi', 'int', { notNull: true }), // num_tasks > 1
      c('libset_id', 'bigint'),
      c('host', 'varchar(255)'),
      c('runs', 'bigint', { notNull: true }), // how many of the day's runs have these values
    ],
    primaryKey: ['day', 'tuple_key'],
  },
  { name: 'xalt_env_name', columns: [c('env_id', 'id'), c('env_name', 'varchar(255)', { notNull: true })], unique: [['env_name']] },
  {
    name: 'join_run_env',
    columns: [c('run_id', 'bigint', { notNull: true }), c('env_id', 'bigint', { notNull: true }), c('env_value', 'text')],
    primaryKey: ['run_id', 'env_id'],
  },
  {
    name: 'xalt_link',
    columns: [
      c('link_id', 'id'),
      c('uuid', 'char(36)', { notNull: true }),
      c('hash_id', 'char(40)'),
      c('build_id', 'varchar(80)'),
      c('build_epoch', 'double', { notNull: true }),
      c('link_program', 'varchar(64)'),
      c('link_path', 'varchar(1024)'),
      c('link_module_name', 'varchar(255)'),
      c('link_line', 'text'), // JSON array of the compiler's argv
      c('cwd', 'varchar(1024)'),
      c('build_user', 'varchar(64)'),
      c('build_syshost', 'varchar(64)'),
      c('build_host', 'varchar(255)'),
      c('exec_path', 'varchar(1024)'),
      c('link_source', 'varchar(16)'), // wrapper | collector
      c('shared', 'int', { notNull: true, default: 0 }),
      c('owner_mismatch', 'int', { notNull: true, default: 0 }), // file owner ≠ build_user
      c('ingested_at', 'double', { notNull: true }),
      c('owner_user', 'varchar(64)', { since: 3 }), // who the link belongs to (as for runs); NULL = not known
    ],
    unique: [['uuid']],
    indexes: [['build_id'], ['build_epoch'], ['build_user']],
  },
  { name: 'join_link_object', columns: [c('link_id', 'bigint', { notNull: true }), c('obj_id', 'bigint', { notNull: true })], primaryKey: ['link_id', 'obj_id'], indexes: [['obj_id']] },
  { name: 'xalt_function', columns: [c('func_id', 'id'), c('function_name', 'varchar(255)', { notNull: true })], unique: [['function_name']] },
  { name: 'join_link_function', columns: [c('link_id', 'bigint', { notNull: true }), c('func_id', 'bigint', { notNull: true })], primaryKey: ['link_id', 'func_id'] },
  {
    name: 'xalt_pkg',
    columns: [
      c('pkg_id', 'id'),
      c('run_uuid', 'char(36)', { notNull: true }),
      c('program', 'varchar(16)', { notNull: true }),
      c('pkg_name', 'varchar(255)', { notNull: true }),
      c('pkg_version', 'varchar(64)'), // the package's version; NULL for XALT records (they held the interpreter's)
      c('pkg_path', 'varchar(1024)'),
      c('program_version', 'varchar(64)'), // interpreter version
      c('owner_mismatch', 'int', { notNull: true, default: 0 }), // file owner ≠ user in the file name
      c('owner_user', 'varchar(64)', { since: 3 }), // who the package record belongs to; NULL = not known
    ],
    unique: [['run_uuid', 'program', 'pkg_name']],
    indexes: [['pkg_name']],
  },
  {
    name: 'xalt_ingested_file',
    columns: [
      c('file_id', 'id'),
      c('path_hash', 'char(40)', { notNull: true }), // sha1 of the path relative to its spool root
      c('path', 'varchar(1024)', { notNull: true }),
      c('size', 'bigint', { notNull: true }),
      c('mtime', 'double', { notNull: true }),
      c('status', 'varchar(16)', { notNull: true }), // loaded | duplicate | quarantined | filtered
      c('ingested_at', 'double', { notNull: true }),
    ],
    unique: [['path_hash']],
  },
  {
    name: 'xalt_quarantine',
    columns: [
      c('q_id', 'id'),
      c('path', 'varchar(1024)', { notNull: true }),
      c('reason', 'varchar(64)', { notNull: true }), // stable code, e.g. not_json, bad_field, owner_mismatch
      c('detail', 'text'),
      c('stored_as', 'varchar(1024)'), // copy kept in the quarantine directory, if any
      c('quarantined_at', 'double', { notNull: true }),
    ],
    indexes: [['reason']],
  },
  { name: 'xalt_meta', columns: [c('meta_key', 'varchar(64)', { notNull: true }), c('meta_value', 'text')], primaryKey: ['meta_key'] },
];
