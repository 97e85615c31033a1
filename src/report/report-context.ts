/**
 * What every report kind builds its SQL from: the period/syshost WHERE clause, the run
 * weight, the usual measures (core-hours, runs, users, accounts, jobs) and a query helper
 * that turns driver values (MySQL DECIMAL strings, BigInts) into plain numbers.
 *
 * Core-hours: Σ run_time × num_cores / 3600, multiplied by the run's weight, where num_cores
 * is the CPUs allocated to the run (num_tasks × cpus_per_task; XALT's num_cores was the tasks).
 * Flagged runs are left out of every pass unless the spec includes them.
 */
import type { Queryable, SqlValue } from '../db/store.js';
import { inList, isSelective, moduleLibsets, moduleMatch, selectionWhere } from '../query/run-selection.js';
import type { ReportSpec } from './report-spec.js';

export type SqlRow = Record<string, string | number | null>;

/** SQL that picks the link a run was built by: watermark uuid first, else ELF build-id (newest link). */
export const RUN_LINK_ID = `COALESCE((SELECT l1.link_id FROM xalt_link l1 WHERE l1.uuid = r.build_uuid), (SELECT MAX(l2.link_id) FROM xalt_link l2 WHERE l2.build_id = r.build_id))`;

/** A value that means "not known" in XALT records, excluded from distinct counts. */
export const known = (col: string) => `CASE WHEN ${col} IS NOT NULL AND ${col} NOT IN ('', 'unknown') THEN ${col} END`;

/** A covering index of xalt_run by its first column (src/db/schema-tables.ts). */
export type CoverIndex = 'app_name' | 'module_name';

/** Indexes a report may walk instead of the start_time range: the covering ones, led by application, module and job. */
const WALKABLE = { app_name: 'ix_xalt_run_app_name_cover', module_name: 'ix_xalt_run_module_name_cover', job_id: 'ix_xalt_run_job_id_cover' } as const;
export type WalkBy = keyof typeof WALKABLE;

/**
 * Walking a covering index costs about a tenth of sorting a period's rows (per row it reads one
 * narrow index entry; sorting builds, sorts and re-reads a record), so it pays once the period
 * holds more than about a tenth of the store.
 */
const COVER_SHARE = 0.1;

export class ReportContext {
  /** the weight of one run row, as SQL over alias `r` */
  readonly w: string;
  private walkable?: Promise<{ readonly indexes: ReadonlySet<WalkBy>; readonly share: number }>;
  /** the library sets of the selection's modules, once `prepare` found them */
  private moduleSets?: readonly number[];
  constructor(readonly q: Queryable, readonly spec: ReportSpec) {
    // 1e0 rather than 1.0: MySQL makes 1.0 a DECIMAL, and SUMs of DECIMAL come back as strings
    this.w = spec.weighted ? '(CASE WHEN r.probability > 0 THEN 1e0 / r.probability ELSE 1e0 END)' : '1e0';
  }

  /**
   * The indexes worth walking for this period, where the store walks covering indexes
   * (`DialectCapabilities.walksCoveringIndexes`: SQLite, whose planner sees a start_time range
   * and prefers that index followed by a sort of every row in it, which for a whole store
   * costs seconds; servers group through hash tables and choose well).
   */
  private usableIndexes(minShare: number): Promise<ReadonlySet<WalkBy>> {
    this.walkable ??= (async () => {
      // a user's or an executable's runs are a sliver of the store: walking a whole covering index for them never pays
      if (!this.q.dialect.capabilities.walksCoveringIndexes || this.selective) return { indexes: new Set<WalkBy>(), share: 0 };
      const found = await this.q.dialect.existingIndexes(this.q, Object.values(WALKABLE));
      if (!found.size) return { indexes: new Set<WalkBy>(), share: 0 };
      const [n] = await this.q.all<{ total: number; inside: number | null }>(
        'SELECT COUNT(*) AS total, SUM(CASE WHEN start_time >= ? AND start_time < ? THEN 1 ELSE 0 END) AS inside FROM xalt_run', [this.spec.since, this.spec.until]);
      const share = n && Number(n.total) > 0 ? Number(n.inside ?? 0) / Number(n.total) : 0;
      return { indexes: new Set((Object.keys(WALKABLE) as WalkBy[]).filter((k) => found.has(WALKABLE[k]))), share };
    })();
    return this.walkable.then((w) => (w.share >= minShare && w.share > 0 ? w.indexes : new Set<WalkBy>()));
  }

  /**
   * Like `source`, but when walking the index led by `by` pays for this period, the runs are
   * read through it in `by` order and left flattenable, so `GROUP BY r.<by>` needs no sort
   * (and, for the covering indexes, no table row is read). `minShare`: the share of the
   * store's runs the period must hold for the walk to pay (a pass that groups by something
   * else gains only the narrow entries, and pays only for most of the store).
   */
  async sourceBy(by: WalkBy, extra?: string, minShare = COVER_SHARE): Promise<{ sql: string; params: SqlValue[] }> {
    if (!(await this.usableIndexes(minShare)).has(by)) return this.source(extra);
    const { parts, params } = this.conditions(extra);
    return { sql: `(SELECT ${REPORT_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM xalt_run r ${this.q.dialect.indexedBy(WALKABLE[by])} WHERE ${parts.join(' AND ')}) r`, params };
  }

  /**
   * Look up what the selection needs before the passes: the library sets holding its modules'
   * objects, so each pass compares a run's set id instead of looking up its libraries.
   */
  async prepare(): Promise<void> {
    const modules = this.spec.selection?.module;
    if (modules?.length) this.moduleSets = await moduleLibsets(this.q, modules);
  }

  /**
   * The selection as a condition on the columns of the daily usage totals (xalt_usage_day),
   * when it can be one: '' for no selection; a condition for modules alone (the runs' module,
   * or a library set holding the module's objects); null when it names users, accounts or
   * executables, which the totals do not record.
   */
  usageFilter(): { sql: string; params: SqlValue[] } | null {
    const s = this.spec.selection;
    if (s === undefined || !isSelective(s)) return { sql: '', params: [] };
    if (s.user?.length || s.account?.length || s.exec?.length) return null;
    const params: SqlValue[] = [];
    const sql = this.moduleFilter(params);
    return sql === null ? null : { sql, params };
  }

  /** The selection's modules as a condition on has_module, module_name and libset_id; null before `prepare` found their sets. */
  private moduleFilter(params: SqlValue[]): string | null {
    const modules = this.spec.selection?.module ?? [];
    if (this.moduleSets === undefined) return null;
    const own = modules.map((m) => moduleMatch('module_name', m, params)).join(' OR ');
    const sets = this.moduleSets.length ? ` OR libset_id IN (${this.moduleSets.map((id) => String(Math.trunc(id))).join(', ')})` : '';
    return `((has_module = 1 AND (${own}))${sets})`;
  }

  /**
   * The selection as a condition on the daily tuples (xalt_tuple_day as `t`, with has_module
   * computed): users, accounts and modules; null when it names executables, which the tuples
   * do not record (by path).
   */
  tupleFilter(): { sql: string; params: SqlValue[] } | null {
    const s = this.spec.selection;
    if (s === undefined || !isSelective(s)) return { sql: '', params: [] };
    if (s.exec?.length) return null;
    const parts: string[] = [];
    const params: SqlValue[] = [];
    if (s.user?.length) parts.push(inList('t.user', s.user, params));
    if (s.account?.length) parts.push(inList('t.account', s.account, params));
    if (s.module?.length) {
      const modules = this.moduleFilter(params);
      if (modules === null) return null;
      parts.push(modules);
    }
    return { sql: parts.join(' AND '), params };
  }

  /** True when the report is about some users', accounts', executables' or modules' runs only. */
  get selective(): boolean {
    return this.spec.selection !== undefined && isSelective(this.spec.selection);
  }

  /**
   * The conditions on xalt_run `r` of the runs in [from, to) that the report covers, but for
   * flagged runs: its cluster and its selection of users, accounts, executables and modules.
   */
  runsIn(from: number, to: number): { sql: string; params: SqlValue[] } {
    const parts = ['r.start_time >= ?', 'r.start_time < ?'];
    const params: SqlValue[] = [from, to];
    if (this.spec.syshost !== undefined) {
      parts.push('r.syshost = ?');
      params.push(this.spec.syshost);
    }
    const sel = selectionWhere(this.spec.selection ?? {}, this.moduleSets);
    if (sel.sql) {
      parts.push(sel.sql);
      params.push(...sel.params);
    }
    return { sql: parts.join(' AND '), params };
  }

  private conditions(extra?: string): { parts: string[]; params: SqlValue[] } {
    const runs = this.runsIn(this.spec.since, this.spec.until);
    const parts = [runs.sql];
    if (!this.spec.includeFlagged) parts.push('r.flagged = 0');
    if (extra) parts.push(extra);
    return { parts, params: runs.params };
  }

  /**
   * The period's runs as a FROM item aliased `r`, optionally narrowed by `extra` (a condition
   * on xalt_run columns only). Only the columns reports use are selected, and the subquery is
   * kept from being flattened where that would change the plan for the worse
   * (`Dialect.keepSubquery`).
   */
  source(extra?: string): { sql: string; params: SqlValue[] } {
    const { parts, params } = this.conditions(extra);
    return { sql: `(SELECT ${REPORT_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM xalt_run r WHERE ${parts.join(' AND ')}${this.q.dialect.keepSubquery}) r`, params };
  }

  /** The standard measures as select-list items. */
  get measures(): string {
    return [
      `SUM(r.run_time * r.num_cores * ${this.w}) / 3600e0 AS core_hours`,
      `SUM(${this.w}) AS runs`,
      'COUNT(DISTINCT r.user) AS users',
      `COUNT(DISTINCT ${known('r.account')}) AS accounts`,
      `COUNT(DISTINCT ${known('r.job_id')}) AS jobs`,
    ].join(', ');
  }

  get gpuHours(): string {
    return `SUM(r.run_time * r.num_gpus * ${this.w}) / 3600e0`;
  }

  /** COUNT(DISTINCT) of a column ignoring unknown values. */
  distinctKnown(col: string): string {
    return `COUNT(DISTINCT ${known(col)})`;
  }

  /** Run a query; numeric-looking driver values become numbers, NULL sums become 0. */
  async rows(sql: string, params: readonly SqlValue[], numeric: readonly string[]): Promise<SqlRow[]> {
    const raw = await this.q.all<Record<string, unknown>>(sql, params);
    return raw.map((r) => {
      const out: SqlRow = {};
      for (const [k, v] of Object.entries(r)) {
        if (numeric.includes(k)) out[k] = v === null || v === undefined ? 0 : Number(v);
        else out[k] = v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as string | number);
      }
      return out;
    });
  }
}

/** Columns of xalt_run that report queries may use (through `source`). */
export const REPORT_COLUMNS = [
  'run_id', 'run_uuid', 'syshost', 'host', 'user', 'account', 'job_id', 'app_name', 'module_name', 'build_uuid', 'build_id',
  'start_time', 'run_time', 'probability', 'num_cores', 'num_tasks', 'num_gpus', 'exit_status', 'exit_signal', 'end_reason', 'job_state', 'has_end',
  'libset_id', 'flagged',
] as const;

/** The measure keys `measures` selects. */
export const MEASURE_KEYS = ['core_hours', 'runs', 'users', 'accounts', 'jobs'] as const;
