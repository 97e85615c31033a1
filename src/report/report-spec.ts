/** What a report is asked for: its kind and the period, cluster, runs, size and weighting. */
import type { RunSelection } from '../query/run-selection.js';

/** Every report kind, in the order `xalt report --help` lists them. */
export const REPORT_KINDS = ['overview', 'executables', 'modules', 'libraries', 'compilers', 'built', 'packages', 'users', 'accounts', 'runtime', 'success', 'gpu'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportSpec {
  readonly kind: ReportKind;
  /** epoch seconds, inclusive */
  readonly since: number;
  /** epoch seconds, exclusive */
  readonly until: number;
  /** only this cluster; undefined = all */
  readonly syshost?: string;
  /** only the runs of these users, accounts, executables, modules (src/query/run-selection.ts); undefined = all */
  readonly selection?: RunSelection;
  /** rows per top-N table */
  readonly top: number;
  /** weight each run by 1/probability (the runs a sampled record stands for) */
  readonly weighted: boolean;
  /** count runs with integrity flags (owner_mismatch, …) too; left out by default */
  readonly includeFlagged?: boolean;
  /** where the data came from, shown in the header (never a password) */
  readonly source?: string;
}

export const DEFAULT_TOP = 20;
export const DEFAULT_PERIOD_DAYS = 30;

/** True when `s` names a report kind. */
export function isReportKind(s: string): s is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(s);
}
