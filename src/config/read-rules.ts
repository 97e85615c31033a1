/**
 * Reading and checking the rule lists of `[rules]` and `[sampling]`: shape, action names,
 * regexes (valid JavaScript *and* inside the subset the collector's automaton supports),
 * sampling tables (start at 0, strictly increasing, probabilities in 0..1).
 */
import { ConfigIssues, describe, type TomlObject } from './config-issues.js';
import { parseRegex, RegexSyntaxError, toByteString } from './regex-syntax.js';
import type { AppRule, PkgRule, PreIngestRule, Rule, SamplingRow } from './site-config.js';

/**
 * Check a pattern: a valid regex, inside the subset the automata support (every rule list is
 * decided by an automaton, in the collector, the Python hook and ingest alike).
 * @returns true when usable
 */
export function checkPattern(issues: ConfigIssues, path: string, pattern: string): boolean {
  try {
    new RegExp(`^(?:${toByteString(pattern)})$`);
  } catch (err) {
    issues.error(path, `bad regex ${JSON.stringify(pattern)}: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
    return false;
  }
  try {
    parseRegex(toByteString(pattern));
  } catch (err) {
    if (!(err instanceof RegexSyntaxError)) throw err;
    issues.error(path, `regex ${JSON.stringify(pattern)} is outside what the collector can compile: ${err.message}`);
    return false;
  }
  return true;
}

/** Read `[[ACTION, REGEX], ...]` with actions from `actions`. */
export function readActionRules<A extends string>(issues: ConfigIssues, t: TomlObject, key: string, prefix: string, actions: readonly A[]): Rule<A>[] {
  const list = issues.array(t, key, prefix) ?? [];
  const rules: Rule<A>[] = [];
  list.forEach((item, i) => {
    const path = `${prefix}.${key}[${i}]`;
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string') {
      issues.error(path, `expected [ACTION, REGEX] (two strings), got ${describe(item)}`);
      return;
    }
    const [action, pattern] = item as [string, string];
    let ok = true;
    if (!(actions as readonly string[]).includes(action)) {
      issues.error(`${path}[0]`, `unknown action ${JSON.stringify(action)}`, actions.join(', '));
      ok = false;
    }
    ok = checkPattern(issues, `${path}[1]`, pattern) && ok;
    if (ok) rules.push({ action: action as A, pattern, line: issues.line(path), source: 'site' });
  });
  return rules;
}

/** Read `[[KEEP|SKIP, name|path, REGEX], ...]`. */
export function readPkgRules(issues: ConfigIssues, t: TomlObject, key: string, prefix: string): PkgRule[] {
  const list = issues.array(t, key, prefix) ?? [];
  const rules: PkgRule[] = [];
  list.forEach((item, i) => {
    const path = `${prefix}.${key}[${i}]`;
    if (!Array.isArray(item) || item.length !== 3 || item.some((x) => typeof x !== 'string')) {
      issues.error(path, `expected [KEEP|SKIP, "name"|"path", REGEX], got ${describe(item)}`);
      return;
    }
    const [action, kind, pattern] = item as [string, string, string];
    let ok = true;
    if (action !== 'KEEP' && action !== 'SKIP') { issues.error(`${path}[0]`, `unknown action ${JSON.stringify(action)}`, 'KEEP, SKIP'); ok = false; }
    if (kind !== 'name' && kind !== 'path') { issues.error(`${path}[1]`, `unknown kind ${JSON.stringify(kind)}`, 'name, path'); ok = false; }
    ok = checkPattern(issues, `${path}[2]`, pattern) && ok;
    if (ok) rules.push({ action: action as 'KEEP' | 'SKIP', kind: kind as 'name' | 'path', pattern, line: issues.line(path), source: 'site' });
  });
  return rules;
}

/** Read `[[NAME, REGEX], ...]` application naming rules. */
export function readAppRules(issues: ConfigIssues, t: TomlObject, key: string, prefix: string): AppRule[] | undefined {
  const list = issues.array(t, key, prefix);
  if (!list) return undefined;
  const rules: AppRule[] = [];
  list.forEach((item, i) => {
    const path = `${prefix}.${key}[${i}]`;
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string' || item[0] === '') {
      issues.error(path, `expected [APPLICATION_NAME, REGEX], got ${describe(item)}`);
      return;
    }
    const [name, pattern] = item as [string, string];
    if (checkPattern(issues, `${path}[1]`, pattern)) rules.push({ name, pattern, line: issues.line(path) });
  });
  return rules;
}

/** Read `[[PROBABILITY, REGEX], ...]` pre-ingest sampling rules. */
export function readPreIngest(issues: ConfigIssues, t: TomlObject, key: string, prefix: string): PreIngestRule[] {
  const list = issues.array(t, key, prefix) ?? [];
  const rules: PreIngestRule[] = [];
  list.forEach((item, i) => {
    const path = `${prefix}.${key}[${i}]`;
    if (!Array.isArray(item) || item.length !== 2 || typeof item[1] !== 'string' || !isNumber(item[0])) {
      issues.error(path, `expected [PROBABILITY, REGEX], got ${describe(item)}`);
      return;
    }
    const p = Number(item[0]);
    let ok = true;
    if (!(p >= 0 && p <= 1)) { issues.error(`${path}[0]`, `probability ${p} is outside 0..1`); ok = false; }
    ok = checkPattern(issues, `${path}[1]`, item[1] as string) && ok;
    if (ok) rules.push({ probability: p, pattern: item[1] as string, line: issues.line(path) });
  });
  return rules;
}

function isNumber(v: unknown): boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint';
}

/** Read a sampling table `[[MIN_RUNTIME_SECONDS, PROBABILITY], ...]`. */
export function readSamplingTable(issues: ConfigIssues, t: TomlObject, key: string, prefix: string): SamplingRow[] | undefined {
  const list = issues.array(t, key, prefix);
  if (!list) return undefined;
  const rows: SamplingRow[] = [];
  const path = `${prefix}.${key}`;
  if (list.length === 0) issues.error(path, 'a sampling table needs at least one row, e.g. [[0, 1.0]]');
  list.forEach((item, i) => {
    const rowPath = `${path}[${i}]`;
    if (!Array.isArray(item) || item.length !== 2 || !isNumber(item[0]) || !isNumber(item[1])) {
      issues.error(rowPath, `expected [MIN_RUNTIME_SECONDS, PROBABILITY], got ${describe(item)}`);
      return;
    }
    const minRuntime = Number(item[0]), probability = Number(item[1]);
    if (!(probability >= 0 && probability <= 1)) issues.error(`${rowPath}[1]`, `probability ${probability} is outside 0..1`);
    if (i === 0 && minRuntime !== 0) issues.error(`${rowPath}[0]`, `the first row must start at 0 seconds, not ${minRuntime}`);
    const prev = rows[rows.length - 1];
    if (prev && minRuntime <= prev.minRuntime) issues.error(`${rowPath}[0]`, `run times must increase: ${minRuntime} is not above ${prev.minRuntime} of the row before`);
    rows.push({ minRuntime, probability });
  });
  return rows;
}
