/**
 * Site rules ingest applies, as plain data so they can be sent to parser workers:
 * pre-ingest sampling (`[probability, regex]`, XALT's pre_ingest_patterns), application
 * naming and the words that make an option secret. Structurally compatible with the config's
 * `PreIngestRule` and `AppRule`. Rules are tried in order; the first whose regex matches the
 * *whole* path decides — by the rule list's automaton, in time linear in the path: a regex
 * engine could take exponential time on a pattern like `(.*\/)*vasp_std` and a path a user chose.
 */
import { createHash } from 'node:crypto';
import { firstMatchCompiled } from '../config/compiled-rules.js';
import { DEFAULT_REDACT_WORDS } from '../schema/redact.js';

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
  /** [privacy] redact_words (default: the built-in list) */
  readonly redactWords?: readonly string[];
}

/** Rules compiled once (each list to one automaton, on first use); answers per executable path. */
export class CompiledRules {
  private readonly pre: readonly PreIngestRuleData[];
  private readonly apps: readonly AppRuleData[];
  readonly redactWords: readonly string[];
  constructor(rules: IngestRules = {}) {
    this.pre = rules.preIngest ?? [];
    this.apps = rules.applications ?? [];
    this.redactWords = rules.redactWords ?? DEFAULT_REDACT_WORDS;
  }

  /** Pre-ingest probability for an executable path (1 when no rule matches). */
  preIngestProbability(execPath: string): number {
    const i = firstMatchCompiled(this.pre, execPath);
    return i < 0 ? 1 : this.pre[i]!.probability;
  }

  /**
   * Application name: the first matching naming rule, else the executable's base name.
   * Remembered per path: a spool's runs come from a few thousand executables, and each
   * decision costs a UTF-8 copy of the path and a walk of the automaton.
   */
  appName(execPath: string): string {
    let name = this.names.get(execPath);
    if (name === undefined) {
      const i = firstMatchCompiled(this.apps, execPath);
      name = i < 0 ? baseName(execPath) : this.apps[i]!.name;
      if (this.names.size >= MAX_REMEMBERED) this.names.clear();
      this.names.set(execPath, name);
    }
    return name;
  }

  private readonly names = new Map<string, string>();
}

/** Paths whose application name is remembered (a bound on memory, far above a spool's executables). */
const MAX_REMEMBERED = 50_000;

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
