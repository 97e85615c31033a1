/**
 * Build a report: run the kind's queries and wrap the tables in a document whose header
 * says the period, cluster, weighting and source, so a report never leaves the reader
 * guessing what it covers.
 */
import { RuntimeError } from '../errors.js';
import type { Document, MetaItem } from '../document/document.js';
import { LATEST_SCHEMA_VERSION, schemaVersion } from '../db/migrations/migrations.js';
import type { Queryable } from '../db/store.js';
import { compilersReport, builtReport } from './report-builds.js';
import type { ReportBody } from './report-body.js';
import { ReportContext } from './report-context.js';
import { executablesReport } from './report-executables.js';
import { gpuReport } from './report-gpu.js';
import { librariesReport, modulesReport } from './report-modules.js';
import { overviewReport } from './report-overview.js';
import { accountsReport, packagesReport, usersReport } from './report-people.js';
import { runtimeReport } from './report-runtime.js';
import type { ReportKind, ReportSpec } from './report-spec.js';
import { successReport } from './report-success.js';
import { describeSelection, isSelective } from '../query/run-selection.js';

const KINDS: Readonly<Record<ReportKind, (ctx: ReportContext) => Promise<ReportBody>>> = {
  overview: overviewReport, executables: executablesReport, modules: modulesReport, libraries: librariesReport,
  compilers: compilersReport, built: builtReport, packages: packagesReport, users: usersReport, accounts: accountsReport,
  runtime: runtimeReport, success: successReport, gpu: gpuReport,
};

const iso = (t: number) => new Date(Math.floor(t) * 1000).toISOString().replace(/\.000Z$/, 'Z');
const human = (t: number) => iso(t).replace('T', ' ').replace(/(:00)?Z$/, '');
const days = (s: ReportSpec) => {
  const d = (s.until - s.since) / 86400;
  return d === 1 ? '1 day' : `${Number.isInteger(d) ? d : d.toFixed(1)} days`;
};

/**
 * Reports read what the latest schema derives from the runs (library sets, daily totals) and
 * never migrate a store themselves: an older store gets a hint instead of an SQL error.
 */
async function requireLatestSchema(q: Queryable): Promise<void> {
  const v = await schemaVersion(q);
  if (v < LATEST_SCHEMA_VERSION) {
    throw new RuntimeError('XALT_STORE_OLD_SCHEMA', `the store has schema ${v}; reports need schema ${LATEST_SCHEMA_VERSION}`, 'run "xalt db migrate" with the same --db (ingest also migrates)');
  }
}

/** Runs the report covers but for their integrity flags, found along the (flagged, start_time) index. */
async function flaggedRuns(ctx: ReportContext): Promise<number> {
  const runs = ctx.runsIn(ctx.spec.since, ctx.spec.until);
  const [row] = await ctx.q.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM xalt_run r WHERE r.flagged = 1 AND ${runs.sql}`, runs.params);
  return Number(row?.n ?? 0);
}

/** The header line saying which users', accounts', executables' or modules' runs the report covers. */
function selectionMeta(spec: ReportSpec): MetaItem[] {
  const s = spec.selection;
  if (s === undefined || !isSelective(s)) return [];
  return [{ key: 'runs_of', label: 'Runs of', value: describeSelection(s) }];
}

/** The header lines saying whether flagged runs count, and how many there are. */
function flaggedMeta(spec: ReportSpec, n: number): MetaItem[] {
  const included = spec.includeFlagged === true;
  const text = n === 0 ? 'none in the period' : `${n} in the period, ${included ? 'included (--include-flagged)' : 'left out (--include-flagged includes them)'}`;
  return [{ key: 'flagged', label: 'Flagged', value: included ? 'included' : 'left out', text }, { key: 'flagged_runs', value: n }];
}

/** Run report `spec.kind` over `q`. `now` (epoch seconds) stamps the document. */
export async function buildReport(q: Queryable, spec: ReportSpec, now: number): Promise<Document> {
  await requireLatestSchema(q);
  const ctx = new ReportContext(q, spec);
  await ctx.prepare();
  const flagged = await flaggedRuns(ctx);
  const body = await KINDS[spec.kind](ctx);
  return {
    title: `xalt report: ${body.title} on ${spec.syshost ?? 'all clusters'}, ${iso(spec.since).slice(0, 10)} to ${iso(spec.until).slice(0, 10)}`,
    meta: [
      { key: 'kind', value: spec.kind },
      { label: 'Period', value: null, text: `${human(spec.since)} to ${human(spec.until)} UTC (${days(spec)})` },
      { key: 'since', value: iso(spec.since) },
      { key: 'until', value: iso(spec.until) },
      { key: 'syshost', label: 'Cluster', value: spec.syshost ?? null, text: spec.syshost ?? 'all' },
      ...selectionMeta(spec),
      { key: 'weighting', label: 'Weighting', value: spec.weighted ? '1/probability' : 'none',
        text: spec.weighted ? 'runs and hours weighted by 1/sampling probability (users, accounts, jobs: distinct counts)' : 'none: runs and hours as recorded (--unweighted)' },
      ...flaggedMeta(spec, flagged),
      ...(spec.source ? [{ key: 'source', label: 'Store', value: spec.source }] : []),
      { key: 'generated_at', label: 'Generated', value: iso(Math.floor(now)), text: `${human(now)} UTC` },
    ],
    tables: body.tables,
    ...(body.series ? { series: body.series } : {}),
  };
}
