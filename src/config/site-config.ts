/**
 * The typed site configuration (`xalt.toml`, docs/config.md): what every other part of xalt reads.
 * Values are produced by `parseSiteConfig` / `loadSiteConfig` and frozen.
 */
import type { SpoolLayout } from '../schema/spool-layout.js';

/** Actions a path rule may take (XALT's flex return codes, same names). */
export const PATH_ACTIONS = ['PKGS', 'KEEP', 'SKIP', 'CUSTOM'] as const;
/** Actions a path-argument rule may take. */
export const PATH_ARG_ACTIONS = ['PKGS', 'KEEP', 'SKIP', 'CONTINUE', 'JUMP_1', 'JUMP_2', 'JUMP_3', 'JUMP_4'] as const;
/** Actions of host, environment and Python package rules. */
export const KEEP_SKIP = ['KEEP', 'SKIP'] as const;

export type PathAction = (typeof PATH_ACTIONS)[number];
export type PathArgAction = (typeof PATH_ARG_ACTIONS)[number];
export type KeepSkip = (typeof KEEP_SKIP)[number];
export type RuleAction = PathAction | PathArgAction;

/** Where a rule comes from: the site file, xalt's built-in head rules, or the list's default. */
export type RuleSource = 'site' | 'builtin' | 'default';

/**
 * One `[action, regex]` rule. The regex must match the *whole* string.
 * @example { action: 'SKIP', pattern: '/usr/.*', line: 40, source: 'site' }
 */
export interface Rule<A extends string = RuleAction> {
  readonly action: A;
  readonly pattern: string;
  /** 1-based line in the config file (0 for built-in and default rules) */
  readonly line: number;
  readonly source: RuleSource;
  /** why a built-in rule exists, shown by `xalt config explain` */
  readonly note?: string;
}

/** A Python package rule: KEEP or SKIP by package name or by the path it was imported from. */
export interface PkgRule extends Rule<KeepSkip> {
  readonly kind: 'name' | 'path';
}

/** Application naming for reports: executables whose path matches are reported as `name`. */
export interface AppRule {
  readonly name: string;
  readonly pattern: string;
  readonly line: number;
}

/** Pre-ingest sampling: runs of matching executables are ingested with this probability. */
export interface PreIngestRule {
  readonly probability: number;
  readonly pattern: string;
  readonly line: number;
}

/** One row of a run-time sampling table (XALT's interval_array). */
export interface SamplingRow {
  /** runs lasting at least this many seconds (until the next row) ... */
  readonly minRuntime: number;
  /** ... are recorded with this probability */
  readonly probability: number;
}

export const SYSHOST_KINDS = ['hardcode', 'nth_name', 'read_file', 'mapping', 'strip_numbers', 'env_var'] as const;
export type SyshostKind = (typeof SYSHOST_KINDS)[number];

/** How the collector names the cluster (XALT's `--with-syshostConfig`), no DNS at exec time. */
export type SyshostRule =
  | { readonly kind: 'hardcode'; readonly name: string }
  | { readonly kind: 'nth_name'; readonly nth: number }
  | { readonly kind: 'read_file'; readonly file: string }
  | { readonly kind: 'mapping'; readonly mapping: readonly { readonly pattern: string; readonly name: string; readonly line: number }[] }
  | { readonly kind: 'strip_numbers' }
  | { readonly kind: 'env_var'; readonly variable: string };

export const START_POLICIES = ['mpi', 'always', 'staged'] as const;

/**
 * How records leave a node (docs/internals/contracts.md "Transports"): `ship` and `syslog`
 * stage them node-locally for the root-owned `xalt-ship`; `direct` has user processes write
 * XALT-style files into root-prepared spool directories; `none` writes nothing.
 */
export const TRANSPORTS = ['ship', 'syslog', 'direct', 'none'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** The shared spool a site gets when its config names none. */
export const DEFAULT_SPOOL_PREFIX = '/var/spool/xalt';
export type StartPolicy = (typeof START_POLICIES)[number];

export interface TrackingConfig {
  readonly scalar: boolean;
  readonly mpi: boolean;
  readonly gpu: boolean;
  readonly signalHandler: boolean;
  /** run-time sampling on (XALT_SAMPLING default) */
  readonly sampling: boolean;
  readonly start: StartPolicy;
  /** with start = "mpi": runs with at least this many tasks get a start record and are never sampled */
  readonly mpiAlwaysRecord: number;
}

export interface RuleLists {
  readonly hosts: readonly Rule<KeepSkip>[];
  readonly hostDefault: KeepSkip;
  readonly paths: readonly Rule<PathAction>[];
  readonly pathDefault: KeepSkip;
  readonly pathArgs: readonly Rule<PathArgAction>[];
  readonly env: readonly Rule<KeepSkip>[];
  readonly pythonPackages: readonly PkgRule[];
  readonly applications: readonly AppRule[];
}

/**
 * The whole site configuration, frozen.
 * @example const cfg = await loadSiteConfig(); cfg.spool.prefix
 */
export interface SiteConfig {
  /** the file it came from, or "<built-in defaults>" */
  readonly file: string;
  readonly syshost: SyshostRule;
  readonly spool: { readonly prefix: string; readonly layout: SpoolLayout; readonly tmpdir: string; readonly transport: Transport };
  /** secrets in command lines: option and variable names holding one of these words have their values replaced */
  readonly privacy: { readonly redactWords: readonly string[] };
  /** xalt-ship on each node: its root-only state (executable-hash cache, lock) and how long staged files may wait */
  readonly ship: { readonly stateDir: string; readonly maxAgeHours: number };
  readonly tracking: TrackingConfig;
  readonly sampling: {
    readonly scalar: readonly SamplingRow[];
    readonly mpi: readonly SamplingRow[];
    readonly preIngest: readonly PreIngestRule[];
  };
  readonly rules: RuleLists;
  readonly container: { readonly enabled: boolean };
  readonly store: { readonly url: string };
  /** where `xalt install` puts xalt; its programs are never tracked ("" = not set) */
  readonly install: { readonly prefix: string };
  /** sha256 prefix of the config text: which config a collector was built from */
  readonly fingerprint: string;
  /** non-fatal findings (a KEEP rule that would keep secrets, ...) as `FILE:LINE: key: text` */
  readonly warnings: readonly string[];
}
