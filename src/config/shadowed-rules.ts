/**
 * Rules that can never decide. A compiled list's DFA labels each state with the first rule
 * matching there, so a rule whose index labels no reachable state is shadowed: every string
 * it matches is decided by an earlier rule (a site rule or a built-in one). This is exact,
 * not a heuristic — `config check` reports each such rule as a warning.
 */
import { effectiveEnvRules, effectiveHostRules, effectivePathRules } from './builtin-rules.js';
import type { Dfa } from './compile-dfa.js';
import type { CListName } from './emit-c.js';
import type { Rule, SiteConfig } from './site-config.js';

/** Indexes (in the compiled list) of rules that label no state. */
export function neverDeciding(dfa: Dfa, ruleCount: number): number[] {
  const seen = new Set<number>(dfa.accept);
  return Array.from({ length: ruleCount }, (_, i) => i).filter((i) => !seen.has(i));
}

const SITE_KEY: Partial<Record<CListName, string>> = { host: 'hosts', path: 'paths', path_arg: 'path_args', env: 'env' };

/**
 * One warning per site rule that never decides, as `FILE:LINE: rules.<list>[i]: …`.
 * @param dfas the compiled lists from `collectorLists(cfg)`, by name
 */
export function shadowedRuleWarnings(cfg: SiteConfig, dfas: Readonly<Partial<Record<CListName, Dfa>>>): string[] {
  const effective: Partial<Record<CListName, readonly Rule<string>[]>> = {
    host: effectiveHostRules(cfg), path: effectivePathRules(cfg), path_arg: cfg.rules.pathArgs, env: effectiveEnvRules(cfg),
  };
  const site: Partial<Record<CListName, readonly Rule<string>[]>> = { host: cfg.rules.hosts, path: cfg.rules.paths, path_arg: cfg.rules.pathArgs, env: cfg.rules.env };
  const out: string[] = [];
  for (const list of Object.keys(SITE_KEY) as CListName[]) {
    const dfa = dfas[list], rules = effective[list]!;
    if (!dfa) continue;
    for (const i of neverDeciding(dfa, rules.length)) {
      const rule = rules[i]!;
      if (rule.source !== 'site') continue;
      const why = list === 'env' && rule.action === 'KEEP' ? 'earlier rules (possibly the built-in refusal of secret names) decide every string it matches' : 'earlier rules decide every string it matches';
      out.push(`${cfg.file}:${rule.line}: rules.${SITE_KEY[list]}[${site[list]!.indexOf(rule)}]: ${rule.action} ${JSON.stringify(rule.pattern)} never decides: ${why}`);
    }
  }
  return out;
}
