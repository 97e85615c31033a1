/**
 * One record file's text → what ingest does with it (pure): a normalised record, a
 * pre-ingest sampling drop, or a quarantine reason. This is the work parser workers do.
 */
import { implausible, redactArgv, redactEnvValue, validateRecord, verifyRecordCrc, type LinkRecord, type PkgRecord, type RecordKind, type RunRecord } from '../schema/index.js';
import { CompiledRules, uuidDraw } from './ingest-rules.js';
import { normaliseLink, normalisePkg, normaliseRun, type NormalRecord } from './normalise.js';

/** Stable quarantine reason codes (stored in xalt_quarantine.reason). */
export type QuarantineReason =
  | 'empty' | 'truncated' | 'not_json' | 'missing_field' | 'bad_value' | 'too_large'
  | 'unknown_name' | 'unreadable' | 'not_a_file' | 'owner_mismatch' | 'out_of_range'
  // bundles (docs/ingest.md): a bundle not written by root (or by the ingesting account), a
  // bundle whose first line is not a bundle header, an entry line that cannot be read, an
  // entry a non-root bundle cannot vouch for
  | 'untrusted_bundle' | 'bad_bundle' | 'bad_entry' | 'untrusted_entry'
  // a record for a run, link or package that belongs to another user (store-loader.ts)
  | 'foreign_uuid';

export type Outcome =
  | { readonly status: 'record'; readonly record: NormalRecord; readonly ownerMismatch?: string }
  | { readonly status: 'filtered' }
  | { readonly status: 'quarantine'; readonly reason: QuarantineReason; readonly detail: string };

/** Who owns the file (or, in a bundle, the staging file xalt-ship read) and who the file name says wrote it. */
export interface FileOwner {
  readonly uid: number;
  /** user name of uid (the uid as a string when it has no name) */
  readonly name: string;
  /** user field of the file name */
  readonly nameUser: string;
  /** flags xalt-ship set on a bundle entry (`owner_mismatch`); none for record files */
  readonly flags?: readonly string[];
}

export interface InterpretContext {
  readonly rules: CompiledRules;
  /** module of a path (one stable function per ingest: objects are memoised on it) */
  readonly moduleOf: (path: string) => string | null;
  readonly now: number;
}

function parseJson(text: string): { value?: unknown; reason?: QuarantineReason; detail?: string } {
  // (not `text.trim() === ''`: that copies every record file, which ends in a newline)
  if (!/\S/.test(text)) return { reason: 'empty', detail: 'the file is empty' };
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
 * A root-owned record file may be anyone's (XALT's loaders and xalt's wave-1 epilog wrote them
 * as root); otherwise the file owner — in a bundle, the staging file's owner xalt-ship vouches
 * for, root included — must be the record's user, by name or by the numeric uid XALT writes
 * when $USER is unset. A record that names no user (XALT's "unknown") claims no one else's
 * identity and is not flagged.
 */
export function ownerMatches(owner: FileOwner, recordUser: string): boolean {
  const vouching = owner.uid === 0 && owner.flags === undefined; // in a bundle, uid 0 is the uid that ran the program
  return vouching || recordUser === '' || recordUser === 'unknown' || owner.name === recordUser || String(owner.uid) === recordUser;
}

/** Why the record is flagged owner_mismatch (by our check or by xalt-ship's), or undefined. */
function ownerMismatch(owner: FileOwner, user: string): string | undefined {
  const what = owner.flags ? 'staging file' : 'file';
  if (!ownerMatches(owner, user)) return `${what} owned by ${owner.name} (uid ${owner.uid}) but the record is ${user}'s`;
  if (owner.flags?.includes('owner_mismatch')) return `flagged owner_mismatch by xalt-ship (staging file owned by ${owner.name}, uid ${owner.uid}; the record is ${user}'s)`;
  return undefined;
}

/**
 * Whose record it is: the owner of its file (of its staging file, in a bundle), except that a
 * root-owned record file vouches for the user the record names (XALT's root-run loaders and
 * syslog carry no other proof). '' when such a record names no one: it belongs to whoever owns
 * what it refers to.
 */
function ownerOf(owner: FileOwner, user: string): string {
  if (owner.uid !== 0 || owner.flags !== undefined) return owner.name;
  return user === 'unknown' ? '' : user;
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

/** Written by xalt's own writers (they carry xalt's extensions), whose crcs are always right. */
function fromXaltWriter(kind: RecordKind, rec: RunRecord | LinkRecord | PkgRecord): boolean {
  if (kind === 'run') return (rec as RunRecord).userDT.schema_version !== undefined;
  if (kind === 'link') return (rec as LinkRecord).resultT.link_source !== undefined;
  return (rec as PkgRecord).import_time !== undefined;
}

/**
 * Integrity flags besides owner_mismatch: those xalt-ship set on the bundle entry, and
 * `crc_mismatch` for a record of xalt's writers whose crc does not match its bytes (changed
 * after it was written). XALT's own writers' crcs differ, so theirs are not judged.
 */
function integrityFlags(kind: RecordKind, rec: RunRecord | LinkRecord | PkgRecord, text: string, owner: FileOwner, bytes: Uint8Array | undefined): string[] {
  const flags = owner.flags ? owner.flags.filter((f) => f !== 'owner_mismatch') : [];
  if (fromXaltWriter(kind, rec) && verifyRecordCrc(text, bytes) === false) flags.push('crc_mismatch');
  return flags;
}

/** Interpret the text of a record file of `kind` (`bytes`: what it was decoded from, if at hand: the crc is checked on them). */
export function interpretRecord(kind: RecordKind, text: string, owner: FileOwner, ctx: InterpretContext, bytes?: Uint8Array): Outcome {
  const parsed = parseJson(text);
  if (parsed.reason) return { status: 'quarantine', reason: parsed.reason, detail: parsed.detail ?? '' };
  // records our writers produce pass unchanged and uncopied; the rest are coerced or explained
  const v = validateRecord(kind, parsed.value);
  if (!v.record) {
    const allMissing = v.issues.every((i) => i.endsWith(': missing'));
    return { status: 'quarantine', reason: allMissing ? 'missing_field' : 'bad_value', detail: v.issues.slice(0, 5).join('; ') };
  }
  const bounds = implausible(kind, v.record, ctx.now, text.length);
  if (bounds.length) return { status: 'quarantine', reason: 'out_of_range', detail: bounds.join('; ') };
  redactSecrets(kind, v.record, ctx.rules.redactWords);
  const user = recordUser(kind, v.record, owner);
  const mismatch = ownerMismatch(owner, user);
  const flags = integrityFlags(kind, v.record, text, owner, bytes);
  const base = {
    ownerMismatch: mismatch !== undefined, owner: ownerOf(owner, user), ...(flags.length ? { flags } : {}),
    now: ctx.now, moduleOf: ctx.moduleOf, appName: (p: string) => ctx.rules.appName(p),
  };
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
