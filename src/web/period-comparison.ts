/**
 * A report beside the same report for the period before it: each table gains, after its main
 * measure, that measure in the previous period and the change in percent. Rows are matched by
 * their labels (executable, module, user, …), so a row missing from the previous period's
 * list shows no previous figure rather than a wrong one.
 */
import type { Column, DocTable, Document, MetaItem, Row } from '../document/document.js';
import { isNumeric } from '../document/format-cell.js';
import type { ReportSpec } from '../report/report-spec.js';

/** Rows the previous period's tables list, so most of the current rows find their match. */
const PREVIOUS_TOP = 100;

/** The period of the same length just before `spec`'s. */
export function previousSpec(spec: ReportSpec): ReportSpec {
  const length = spec.until - spec.since;
  return { ...spec, since: spec.since - length, until: spec.since, top: Math.max(spec.top, PREVIOUS_TOP) };
}

/** The column a table is about: its chart's value, else its first numeric column that is not a share. */
function measureOf(t: DocTable): Column | undefined {
  const charted = t.chart ? t.columns.find((c) => c.key === t.chart!.value) : undefined;
  return charted ?? t.columns.find((c) => isNumeric(c.format) && c.format !== 'percent');
}

function labelOf(t: DocTable, r: Row): string {
  return t.columns.filter((c) => c.format === 'text').map((c) => String(r[c.key] ?? '')).join('\u0000');
}

/** Key of the change column added after measure `key`. */
const changeKey = (key: string) => `${key}_change`;

function compareTable(t: DocTable, before: DocTable | undefined): DocTable {
  const m = measureOf(t);
  if (!m || !before) return t;
  const previous = new Map(before.rows.map((r) => [labelOf(before, r), r[m.key]]));
  const prevKey = `${m.key}_previous`;
  const rows = t.rows.map((r): Row => {
    const was = previous.get(labelOf(t, r));
    const prev = typeof was === 'number' ? was : null;
    const now = Number(r[m.key] ?? 0);
    return { ...r, [prevKey]: prev, [changeKey(m.key)]: prev !== null && prev > 0 ? (100 * (now - prev)) / prev : null };
  });
  const at = t.columns.indexOf(m) + 1;
  const columns = [...t.columns.slice(0, at), { key: prevKey, header: 'Previous', format: m.format }, { key: changeKey(m.key), header: 'Change', format: 'percent' as const }, ...t.columns.slice(at)];
  return { ...t, columns, rows };
}

/** `current` with the figures of `previous` (the same report over `previousSpec`) beside its own. */
export function compareWithPrevious(current: Document, previous: Document, period: string): Document {
  const before = new Map(previous.tables.map((t) => [t.id, t]));
  const meta: MetaItem = { key: 'compared_with', label: 'Compared with', value: period, text: `${period} (Previous, and Change in %, beside each table's main measure)` };
  const at = current.meta.findIndex((x) => x.key === 'syshost');
  return {
    ...current,
    meta: [...current.meta.slice(0, at + 1), meta, ...current.meta.slice(at + 1)],
    tables: current.tables.map((t) => compareTable(t, before.get(t.id))),
  };
}
