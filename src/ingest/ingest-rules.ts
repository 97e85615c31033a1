/**
 * Site rules ingest applies, as plain data so they can be sent to parser workers:
 * pre-ingest sampling (`[probability, regex]`, XALT's pre_ingest_patterns) and application
 * naming. Structurally compatible with the config's `PreIngestRule` and `AppRule`.
 * Rules are tried in order; the first whose regex matches the *whole* path decides.
 */
import { createHash } from 'node:crypto';

export interface PreIngestRuleData {
  readonly probability: number;
  readonly pattern: string;
}

export interface AppRuleData {
  readonly name: string;
  readonly pattern: string;
}

/** What ingest needs from the site config. */
export interface IngestRules {
  readonly preIngest?: readonly PreIngestRuleData[];
  readonly applications?: readonly AppRuleData[];
}

interface Compiled<T> { readonly re: RegExp; readonly rule: T }

function compile<T extends { pattern: string }>(rules: readonly T[] | undefined): Compiled<T>[] {
  return (rules ?? []).map((rule) => ({ re: new RegExp(`^(?:${rule.pattern})$`), rule }));
}

/** Rules compiled once; answers per executable path. */
export class CompiledRules {
  private readonly pre: Compiled<PreIngestRuleData>[];
  private readonly apps: Compiled<AppRuleData>[];
  constructor(rules: IngestRules = {}) {
    this.pre = compile(rules.preIngest);
    this.apps = compile(rules.applications);
  }

  /** Pre-ingest probability for an executable path (1 when no rule matches). */
  preIngestProbability(execPath: string): number {
    for (const { re, rule } of this.pre) if (re.test(execPath)) return rule.probability;
    return 1;
  }

  /** Application name: the first matching naming rule, else the executable's base name. */
  appName(execPath: string): string {
    for (const { re, rule } of this.apps) if (re.test(execPath)) return rule.name;
    return baseName(execPath);
  }
}

/** Last path component. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/**
 * A uniform draw in [0, 1) derived from the run uuid, so the start and end records of a run,
 * a re-run and a second ingester all make the same pre-ingest decision (XALT draws per record,
 * which can keep a start and drop its end).
 */
export function uuidDraw(runUuid: string): number {
  const h = createHash('sha1').update(runUuid).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}
