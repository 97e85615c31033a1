/** Column definitions shared by the report kinds, so a measure has one header everywhere. */
import type { Column } from '../document/document.js';

const col = (key: string, header: string, format: Column['format']): Column => ({ key, header, format });

export const C = {
  coreHours: col('core_hours', 'CoreHrs', 'hours'),
  coreHoursPct: col('core_hours_pct', '%', 'percent'),
  gpuHours: col('gpu_hours', 'GpuHrs', 'hours'),
  runs: col('runs', '# Runs', 'int'),
  runsPct: col('runs_pct', '%', 'percent'),
  users: col('users', '# Users', 'int'),
  accounts: col('accounts', '# Accts', 'int'),
  jobs: col('jobs', '# Jobs', 'int'),
  jobsPct: col('jobs_pct', '%', 'percent'),
  execs: col('executables', '# Execs', 'int'),
  text: (key: string, header: string) => col(key, header, 'text'),
  int: (key: string, header: string) => col(key, header, 'int'),
  pct: (key: string, header: string) => col(key, header, 'percent'),
  hours: (key: string, header: string) => col(key, header, 'hours'),
  num: (key: string, header: string) => col(key, header, 'number'),
  seconds: (key: string, header: string) => col(key, header, 'seconds'),
} as const;

/** The usual measure columns followed by a label column (XALT's layout: numbers first, name last). */
export function measureColumns(labelKey: string, labelHeader: string): Column[] {
  return [C.coreHours, C.runs, C.users, C.accounts, C.jobs, C.text(labelKey, labelHeader)];
}

/** Add `<key>_pct` = share of `total` to each row. */
export function withShare<T extends Record<string, string | number | null>>(rows: readonly T[], key: string, total: number): T[] {
  return rows.map((r) => ({ ...r, [`${key}_pct`]: total > 0 ? (100 * Number(r[key] ?? 0)) / total : 0 }));
}
