/**
 * The declarative table of `xalt` commands. Each entry names its options (as
 * `util.parseArgs` data) and how to load the module that implements it; modules are imported
 * only when their command runs, so that `xalt --help` or `xalt find` on a busy login node does
 * not load database drivers or code it does not use.
 *
 * A command module exports `run(args: CommandArgs): Promise<number>` returning the exit code.
 * This file itself is read by every command: import nothing here but types and small constants.
 */
import type { ParseArgsConfig } from 'node:util';
import type { CommandModule } from './command-args.js';
import { REPORT_KINDS } from '../report/report-spec.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  /** one line for `--help` and docs/cli.md */
  readonly description: string;
  readonly valueName?: string;
};

export interface CommandSpec {
  /** words after `xalt`, e.g. ['config', 'check'] */
  readonly name: readonly string[];
  readonly summary: string;
  /** usage of the positional arguments, e.g. '[SPOOL...]' */
  readonly positionals?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * Import the command's module, only when the command runs: each command loads just what it
   * needs (`xalt find` on SQLite never loads the MySQL driver, the TOML parser or the report
   * code). Write it as `load: () => import('./commands/NAME.js')`, one module per command.
   */
  readonly load: () => Promise<CommandModule>;
  /**
   * Options end at the first positional argument: what follows is a program's own command
   * line (`xalt config explain -c x.toml /usr/bin/python3 -c 'import json'`), passed on as is.
   */
  readonly optionsEndAtPositional?: boolean;
}

/** Options every command accepts. */
export const globalOptions: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
  config: { type: 'string', short: 'c', valueName: 'FILE', description: 'site configuration (default: $XALT_CONFIG — an installed xalt sets it to PREFIX/etc/xalt.toml —, else ./xalt.toml, else $XALT_DIR/etc/xalt.toml)' },
  debug: { type: 'boolean', description: 'print stack traces for errors' },
  quiet: { type: 'boolean', short: 'q', description: 'print errors only' },
  verbose: { type: 'boolean', short: 'v', description: 'also say on stderr which configuration file is used, and why' },
};

const db = { type: 'string', valueName: 'URL', description: 'store: a SQLite file path, mysql://user:pass@host:port/db or postgresql://user:pass@host:port/db (default $XALT_DB, else config [store])' } as const;
const format = { type: 'string', valueName: 'FMT', description: 'output format: table, csv, tsv, json, ndjson, md, html' } as const;
/** --json beside --format */
const json = { type: 'boolean', description: 'shorthand for --format json' } as const;
/** --json of a command that has no --format: its one other output */
const asJson = { type: 'boolean', description: 'print JSON instead of text' } as const;

/** Every command xalt has. Keep in the order `xalt --help` prints them. */
export const commands: readonly CommandSpec[] = [
  {
    name: ['demo'], summary: 'build the collector, track real programs into a scratch spool, ingest them and print a report', load: () => import('./commands/demo.js'),
    options: { dir: { type: 'string', valueName: 'DIR', description: 'scratch directory (default: a new temporary directory)' }, keep: { type: 'boolean', description: 'keep the scratch directory' } },
  },
  {
    name: ['config', 'check'], summary: 'validate the site configuration', load: () => import('./commands/config-check.js'), positionals: '[FILE]', options: {},
  },
  {
    name: ['config', 'explain'], summary: 'say which rule decides for an executable path (with arguments), a host name or an environment variable', load: () => import('./commands/config-explain.js'), positionals: 'WHAT...',
    optionsEndAtPositional: true,
    options: {
      host: { type: 'boolean', description: 'WHAT is a host name' },
      env: { type: 'boolean', description: 'WHAT is NAME=value' },
      pkg: { type: 'boolean', description: 'WHAT is a Python package name or path' },
      json: asJson,
    },
  },
  {
    name: ['config', 'import'], summary: "convert an XALT site config (config.py) into xalt.toml, warning where XALT's longest-match semantics differ", load: () => import('./commands/config-import.js'), positionals: 'SITE_CONFIG.py',
    options: { output: { type: 'string', short: 'o', valueName: 'FILE', description: 'write the TOML here instead of stdout' } },
  },
  {
    name: ['build'], summary: 'compile the site configuration into the collector and xalt-ship and build them', load: () => import('./commands/build.js'),
    options: { out: { type: 'string', valueName: 'DIR', description: 'build directory (default: native/build)' } },
  },
  {
    name: ['install'], summary: 'install the collector, xalt-ship and its epilog script, link wrapper, Python hook, modulefile, the xalt command itself, and the spool under PREFIX', load: () => import('./commands/install.js'), positionals: 'PREFIX',
    options: {
      spool: { type: 'string', valueName: 'DIR', description: 'create the spool here (default: from config)' },
      build: { type: 'string', valueName: 'DIR', description: 'install the collector and xalt-ship built in DIR from this config (default: native/build, as xalt build --out)' },
    },
  },
  {
    name: ['spool', 'prepare'], summary: "transport direct: make the spool's month and hash directories users write into (root-owned, 01777)", load: () => import('./commands/spool-prepare.js'),
    options: {
      month: { type: 'string', multiple: true, valueName: 'YYYYMM', description: 'month to prepare (repeatable; default: this month and next)' },
      spool: { type: 'string', valueName: 'DIR', description: 'spool prefix (default: from config)' },
    },
  },
  {
    name: ['ingest'], summary: 'load spooled records (or XALT trees, or syslog files) into the store', load: () => import('./commands/ingest.js'), positionals: '[SPOOL...]',
    options: {
      db,
      rmap: { type: 'string', valueName: 'DIR|FILE', description: 'reverse map (xalt_rmapT.json or jsonReverseMapT.json, or a directory holding one)' },
      syslog: { type: 'string', multiple: true, valueName: 'FILE', description: 'read XALT syslog lines from FILE' },
      jobs: { type: 'string', valueName: 'N', description: 'parser worker threads; 0 parses on the main thread (default: 0 on up to 2 cores, else cores - 2, at most 4)' },
      delete: { type: 'boolean', description: 'delete record files once committed' },
      archive: { type: 'string', valueName: 'DIR', description: 'move record files here once committed' },
      quarantine: { type: 'string', valueName: 'DIR', description: 'keep copies of quarantined files here (default: SPOOL/.quarantine)' },
      'batch-size': { type: 'string', valueName: 'N', description: 'record files per transaction (default 5000 for SQLite, 1000 for MySQL/MariaDB and PostgreSQL)' },
      json: asJson,
    },
  },
  {
    name: ['db', 'migrate'], summary: 'create or upgrade the store schema', load: () => import('./commands/db-migrate.js'), options: { db },
  },
  {
    name: ['db', 'info'], summary: 'show the store: kind, schema version, record counts', load: () => import('./commands/db-info.js'), options: { db, json: asJson },
  },
  {
    name: ['db', 'rebuild-rollups'], summary: "recompute what reports read from the runs (library sets, daily usage totals, daily tuples), in one transaction", load: () => import('./commands/db-rebuild-rollups.js'), options: { db, json: asJson },
  },
  {
    name: ['purge'], summary: 'delete runs that started before a date (and their libraries, environment, packages), keeping the daily totals exact', load: () => import('./commands/purge.js'),
    options: {
      db,
      before: { type: 'string', valueName: 'DATE', description: 'delete runs that started before this: YYYY-MM-DD, a datetime, or relative (365d) (required)' },
      user: { type: 'string', short: 'u', valueName: 'LIST', description: 'only the runs of these users, comma-separated' },
      syshost: { type: 'string', description: 'only the runs on this cluster' },
      yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation (required when stdin is not a terminal)' },
      json: asJson,
    },
  },
  {
    name: ['find'], summary: 'find runs by user, account, job, uuid, executable, module, library, package, queue, host, outcome or date', load: () => import('./commands/find.js'), positionals: '',
    options: {
      db,
      spool: { type: 'string', valueName: 'DIR', description: 'search a record tree directly instead of the store' },
      user: { type: 'string', short: 'u', valueName: 'LIST', description: 'user names, comma-separated (any of them)' },
      job: { type: 'string', short: 'j', valueName: 'LIST', description: 'jobs as Slurm names them, comma-separated: 110 (and every task of array 110), 110_2 (array task), 1002.0 or 1002.batch (step)' },
      uuid: { type: 'string', description: 'run uuid (a prefix is enough)' },
      account: { type: 'string', short: 'A', valueName: 'LIST', description: 'accounts, comma-separated' },
      queue: { type: 'string', valueName: 'LIST', description: 'queues (Slurm partitions), comma-separated' },
      partition: { type: 'string', short: 'r', valueName: 'LIST', description: 'the same as --queue, as sacct names it' },
      exec: { type: 'string', short: 'e', valueName: 'LIST', description: 'executable names or path patterns (* wildcards), comma-separated' },
      module: { type: 'string', short: 'm', valueName: 'LIST', description: "module names (a name matches every version under it), comma-separated: the executable's or a loaded library's" },
      library: { type: 'string', valueName: 'GLOB', description: 'runs that loaded this shared object: a file name (libssl.so*) or a path pattern (/sw/openssl/*)' },
      package: { type: 'string', description: 'Python package imported' },
      host: { type: 'string', description: 'node host name' },
      syshost: { type: 'string', description: 'cluster name' },
      since: { type: 'string', short: 'S', description: 'start: YYYY-MM-DD, a datetime, or relative (7d, 12h)' },
      until: { type: 'string', short: 'E', description: 'end (exclusive), same forms as --since' },
      outcome: { type: 'string', valueName: 'LIST', description: 'how the run ended, comma-separated: ok, exit (non-zero status), signal, job_end (running when a job that did not complete ended), never_ended' },
      failed: { type: 'boolean', description: 'only runs that failed: non-zero exit, killed by a signal, still running when a job that did not complete ended, or never ended' },
      'include-flagged': { type: 'boolean', description: 'also show runs with integrity flags (owner_mismatch, …), marked [FLAGGED]' },
      limit: { type: 'string', short: 'n', description: 'at most N runs, the most recent (default 50)' },
      all: { type: 'boolean', description: 'every matching run (instead of --limit)' },
      fields: { type: 'string', valueName: 'LIST', description: 'print these columns as a table, in this order (start_time,user,job,app_name,outcome,…; an unknown one lists them all)' },
      noheader: { type: 'boolean', description: 'no header line (table with --fields, csv, tsv, --parsable)' },
      parsable: { type: 'boolean', short: 'P', description: 'one |-separated line per run, like sacct -P (with --fields, those columns)' },
      verbose: { type: 'boolean', short: 'v', description: 'show every library and environment value (and, on stderr, which configuration file is used)' },
      format: { ...format, description: 'output format: table (a block per run), csv, tsv, json, ndjson, md' }, json,
      csv: { type: 'boolean', description: 'shorthand for --format csv' },
    },
  },
  {
    name: ['report'], summary: `usage reports: ${REPORT_KINDS.join(', ')}`, load: () => import('./commands/report.js'), positionals: 'KIND',
    options: {
      db,
      since: { type: 'string', short: 'S', description: 'start of the period (default: 30 days ago)' },
      until: { type: 'string', short: 'E', description: 'end of the period, exclusive (default: now)' },
      syshost: { type: 'string', description: 'only this cluster' },
      user: { type: 'string', short: 'u', valueName: 'LIST', description: 'only the runs of these users, comma-separated' },
      account: { type: 'string', short: 'A', valueName: 'LIST', description: 'only the runs charged to these accounts, comma-separated' },
      module: { type: 'string', short: 'm', valueName: 'LIST', description: "only the runs of these modules (the executable's or a loaded library's; a name matches every version), comma-separated" },
      exec: { type: 'string', short: 'e', valueName: 'LIST', description: 'only the runs of these executables (names or path patterns, * wildcards), comma-separated' },
      top: { type: 'string', short: 'n', description: 'rows per table (default 20)' },
      unweighted: { type: 'boolean', description: 'count runs as recorded, not weighted by 1/sampling probability' },
      'include-flagged': { type: 'boolean', description: 'count runs with integrity flags (owner_mismatch, …) too; left out by default' },
      output: { type: 'string', short: 'o', valueName: 'FILE', description: 'write to FILE instead of stdout' },
      format, json,
    },
  },
  {
    name: ['who-uses'], summary: 'who used a library, module, Python package or executable: one row per user with accounts, runs, jobs, first and last use', load: () => import('./commands/who-uses.js'),
    options: {
      db,
      library: { type: 'string', valueName: 'GLOB', description: 'a shared object the runs loaded: a file name (libssl.so*) or a path pattern (/sw/openssl/*), from a module or not' },
      module: { type: 'string', short: 'm', valueName: 'NAME[/VERSION]', description: "a module: the executable's or a loaded library's (a name matches every version)" },
      package: { type: 'string', valueName: 'NAME[==VERSION]', description: 'a Python package imported (that version only, with ==)' },
      exec: { type: 'string', short: 'e', valueName: 'GLOB', description: 'an executable name or path pattern (* wildcards)' },
      since: { type: 'string', short: 'S', description: 'runs that started at or after: YYYY-MM-DD, a datetime, or relative (7d, 12h)' },
      until: { type: 'string', short: 'E', description: 'runs that started before (exclusive), same forms as --since' },
      syshost: { type: 'string', description: 'only this cluster' },
      'include-flagged': { type: 'boolean', description: 'count runs with integrity flags (owner_mismatch, …) too; left out by default' },
      noheader: { type: 'boolean', description: 'no header line (table, csv, tsv)' },
      format: { ...format, description: 'output format: table, csv, tsv, json, ndjson, md' }, json,
      csv: { type: 'boolean', description: 'shorthand for --format csv' },
    },
  },
  {
    name: ['quarantine', 'list'], summary: 'list what ingest set aside (and records loaded but flagged): file, reason, detail, when', load: () => import('./commands/quarantine-list.js'),
    options: {
      db,
      reason: { type: 'string', description: 'only this reason (not_json, truncated, bad_value, owner_mismatch, …)' },
      since: { type: 'string', short: 'S', description: 'set aside at or after: YYYY-MM-DD, a datetime, or relative (7d, 12h)' },
      until: { type: 'string', short: 'E', description: 'set aside before (exclusive), same forms as --since' },
      limit: { type: 'string', short: 'n', description: 'at most N entries, newest first (default 50)' },
      format: { ...format, description: 'output format: table, csv, tsv, json, ndjson, md' }, json,
      csv: { type: 'boolean', description: 'shorthand for --format csv' },
    },
  },
  {
    name: ['quarantine', 'show'], summary: 'show one quarantine entry and the bytes ingest kept of it', load: () => import('./commands/quarantine-show.js'), positionals: 'ID', options: { db, json: asJson },
  },
  {
    name: ['serve'], summary: 'serve the read-only dashboard', load: () => import('./commands/serve.js'),
    options: {
      db,
      port: { type: 'string', short: 'p', description: 'port (default 8780)' },
      bind: { type: 'string', description: 'address to bind (default 127.0.0.1; anything else requires --token-file or $XALT_DASHBOARD_TOKEN)' },
      token: { type: 'string', description: 'access token required from clients (default $XALT_DASHBOARD_TOKEN; on loopback, a fresh one is made and printed)' },
      'token-file': { type: 'string', valueName: 'FILE', description: 'read the token from the first line of FILE (yours or root\'s, mode 0600)' },
    },
  },
  {
    name: ['rmap'], summary: 'build the path → module reverse map from Lmod or by scanning module trees', load: () => import('./commands/rmap.js'), positionals: '[MODULEPATH...]',
    options: { output: { type: 'string', short: 'o', valueName: 'FILE', description: 'write here (default stdout)' } },
  },
  {
    name: ['extract'], summary: "print a binary's watermark and build-id", load: () => import('./commands/extract.js'), positionals: 'BINARY', options: { json: asJson },
  },
  {
    name: ['doctor'], summary: 'check an installation end to end on this node: config, collector (a real probe run), spool, tmpdir, Python hook, link wrapper, store', load: () => import('./commands/doctor.js'), options: { db, json: asJson },
  },
];
