/**
 * The end record the epilog writes for a run that started but never ended: the start
 * record with `end_reason` job_end, `end_time` now, its run time, and exit status -1
 * (unknown). Members are put back in schema order so the result reads like a collector's.
 */
import { runFields, runUserDT, runUserT, type RunRecord } from '../schema/run-record.js';
import type { FieldTable } from '../schema/field-types.js';

/** `obj`'s members in the order of `table`, then any members the table does not know. */
function inSchemaOrder<T extends object>(table: FieldTable, obj: T): T {
  const known = Object.keys(table).filter((k) => k in obj);
  const extra = Object.keys(obj).filter((k) => !(k in table));
  return Object.fromEntries([...known, ...extra].map((k) => [k, (obj as Record<string, unknown>)[k]])) as T;
}

/**
 * Build the end record closing `start` at `nowEpoch` (seconds).
 * @example jobEndRecord(start, Date.now() / 1000).userT.end_reason === 'job_end'
 */
export function jobEndRecord(start: RunRecord, nowEpoch: number): RunRecord {
  const startTime = start.userDT.start_time;
  const userT = inSchemaOrder(runUserT, { ...start.userT, end_reason: 'job_end' });
  const userDT = inSchemaOrder(runUserDT, {
    ...start.userDT,
    end_time: nowEpoch,
    run_time: Math.max(0, nowEpoch - startTime),
    exit_status: -1,
  });
  return inSchemaOrder(runFields, { ...start, userT, userDT });
}
