/**
 * One record file's text → what ingest does with it (pure): a normalised record, a
 * pre-ingest sampling drop, or a quarantine reason. This is the work parser workers do.
 */
import { implausible, redactArgv, redactEnvValue, validateRecord, type LinkRecord, type PkgRecord, type RecordKind, type RunRecord } from '../schema/index.js';
import { CompiledRules, uuidDraw } from './ingest-rules.js';
import { normaliseLink, normalisePkg, normaliseRun, type NormalRecord } from './normalise.js';
import { validateExact } from './validate-exact.js';

/** Stable quarantine reason codes (stored in xalt_quarantine.reason). */
export type QuarantineReason =
  | 'empty' | 'truncated' | 'not_json' | 'missing_field' | 'bad_value' | 'too_large'
  | 'unknown_name' | 'unreadable' | 'not_a_file' | 'owner_mismatch' | 'out_of_range';

export type Outcome =
  | { readonly status: 'record'; readonly record: NormalRecord; readonly ownerMismatch?: string }
  | { readonly status: 'filtered' }
  | { readonly status: 'quarantine'; readonly reason: QuarantineReason; readonly detail: string };

/** Who owns the file and who the file name says wrote it. */
export interface FileOwner {
  readonly uid: number;
  /** user name of uid (the uid as a string when it has no name) */
  readonly name: string;
  /** user field of the file name */
  readonly nameUser: string;
}

export interface InterpretContext {
  readonly rules: CompiledRules;
  /** module of a path (one stable function per ingest: objects are memoised on it) */
  readonly moduleOf: (path: string) => string | null;
  readonly now: number;
}

function parseJson(text: string): { value?: unknown; reason?: QuarantineReason; detail?: string } {
  if (text.trim() === '') return { reason: 'empty', detail: 'the file is empty' };
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const msg = (err as Error).message;
    // the parser ran out of text: a record cut short (disk full, a writer killed mid-copy)
    const at = /at position (\d+)/.exec(msg);
    const atEnd = /end of JSON input/.test(msg) || (at !== null && Number(at[1]) >= text.trimEnd().length);
    const truncated = atEnd && text.trimStart().startsWith('{');
    return { reason: truncated ? 'truncated' : 'not_json', detail: msg };
  }
}

/**
 * Root may write anyone's records (the epilog does); otherwise the file owner must be the
 * record's user, by name or by the numeric uid XALT writes when $USER is unset. A record that
 * names no user (XALT's "unknown") claims no one else's identity and is not flagged.
 */
export function ownerMatches(owner: FileOwner, recordUser: string): boolean {
  return owner.uid === 0 || recordUser === '' || recordUser === 'unknown' || owner.name === recordUser || String(owner.uid) === recordUser;
}

function recordUser(kind: RecordKind, rec: RunRecord | LinkRecord | PkgRecord, owner: FileOwner): string {
  if (kind === 'run') return (rec as RunRecord).userT.user;
  if (kind === 'link') return (rec as LinkRecord).resultT.build_user;
  return owner.nameUser; // pkg records name no user inside; their file name does
}

/**
 * Secrets in command lines and environment values replaced, in place (xalt's collector has
 * done it already; XALT's and older writers did not).
 */
function redactSecrets(kind: RecordKind, rec: RunRecord | LinkRecord | PkgRecord, words: readonly string[]): void {
  if (kind === 'run') {
    const run = rec as RunRecord;
    run.cmdlineA = redactArgv(run.cmdlineA, words);
    for (const p of run.ptA ?? []) if (Array.isArray(p.cmdlineA)) p.cmdlineA = redactArgv(p.cmdlineA, words);
    if (run.envT) for (const k of Object.keys(run.envT)) run.envT[k] = redactEnvValue(run.envT[k]!);
  } else if (kind === 'link') {
    const link = rec as LinkRecord;
    if (link.link_line) link.link_line = redactArgv(link.link_line, words);
  }
}

/** Interpret the text of a record file of `kind`. */
export function interpretRecord(kind: RecordKind, text: string, owner: FileOwner, ctx: InterpretContext): Outcome {
  const parsed = parseJson(text);
  if (parsed.reason) return { status: 'quarantine', reason: parsed.reason, detail: parsed.detail ?? '' };
  // records our writers produce pass unchanged and uncopied; the rest are coerced or explained
  const exact = validateExact(kind, parsed.value);
  const v = exact ? { record: exact, issues: [] } : validateRecord(kind, parsed.value);
  if (!v.record) {
    const allMissing = v.issues.every((i) => i.endsWith(': missing'));
    return { status: 'quarantine', reason: allMissing ? 'missing_field' : 'bad_value', detail: v.issues.slice(0, 5).join('; ') };
  }
  const bounds = implausible(kind, v.record, ctx.now);
  if (bounds.length) return { status: 'quarantine', reason: 'out_of_range', detail: bounds.join('; ') };
  redactSecrets(kind, v.record, ctx.rules.redactWords);
  const user = recordUser(kind, v.record, owner);
  const mismatch = ownerMatches(owner, user) ? undefined : `file owned by ${owner.name} (uid ${owner.uid}) but the record is ${user}'s`;
  const base = { ownerMismatch: mismatch !== undefined, now: ctx.now, moduleOf: ctx.moduleOf, appName: (p: string) => ctx.rules.appName(p) };
  let record: NormalRecord;
  if (kind === 'run') {
    const run = v.record as RunRecord;
    const p = ctx.rules.preIngestProbability(run.userT.exec_path);
    if (p < 1 && !(uuidDraw(run.userT.run_uuid) < p)) return { status: 'filtered' };
    record = normaliseRun(run, { ...base, preIngestProbability: p });
  } else if (kind === 'link') {
    record = normaliseLink(v.record as LinkRecord, { ...base, preIngestProbability: 1 });
  } else {
    record = normalisePkg(v.record as PkgRecord, base);
  }
  return mismatch ? { status: 'record', record, ownerMismatch: mismatch } : { status: 'record', record };
}
