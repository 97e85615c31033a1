/**
 * Small decisions other parts of xalt ask of the config: the application name of an
 * executable (reports), the pre-ingest probability (ingest), the run-time sampling
 * probability, whether an environment variable or a Python package is kept.
 */
import { effectiveEnvRules } from './builtin-rules.js';
import { firstMatchByKind, firstMatchCompiled as firstMatch, splitByKind } from './compiled-rules.js';
import type { SamplingRow, SiteConfig } from './site-config.js';

/**
 * Application name for an executable path, or undefined when no rule matches.
 * @example applicationName(cfg, '/sw/lammps/bin/lmp_mpi') // 'LAMMPS'
 */
export function applicationName(cfg: SiteConfig, execPath: string): string | undefined {
  const i = firstMatch(cfg.rules.applications, execPath);
  return i < 0 ? undefined : cfg.rules.applications[i]!.name;
}

/** Probability with which ingest keeps a run of `execPath` (1 when no rule matches). */
export function preIngestProbability(cfg: SiteConfig, execPath: string): number {
  const i = firstMatch(cfg.sampling.preIngest, execPath);
  return i < 0 ? 1 : cfg.sampling.preIngest[i]!.probability;
}

/** XALT's lookup: the probability of the last row whose minimum run time `runtime` reaches. */
export function samplingProbability(table: readonly SamplingRow[], runtime: number): number {
  let p = 1;
  for (const row of table) if (runtime >= row.minRuntime) p = row.probability;
  return p;
}

/** Whether `NAME=value` is recorded (secrets never are). */
export function keepEnv(cfg: SiteConfig, name: string, value: string): boolean {
  const rules = effectiveEnvRules(cfg);
  return rules[firstMatch(rules, `${name}=${value}`)]!.action === 'KEEP';
}

const PKG_RULE_KINDS = ['name', 'path'] as const;

/**
 * Index of the site's Python package rule that decides, or -1 (default KEEP): the first rule
 * whose regex matches the whole name (kind "name") or import path (kind "path"; only the name
 * rules are tried when no path is given). Decided by the same automata the hook runs from
 * xalt_site_rules.py, over the UTF-8 bytes, so both answer alike for any name.
 * @example packageRuleIndex(cfg, 'numpy', '/sw/numpy/__init__.py') // -1 when no rule matches
 */
export function packageRuleIndex(cfg: SiteConfig, name: string, path?: string): number {
  const rules = cfg.rules.pythonPackages;
  if (path !== undefined) return firstMatchByKind(rules, PKG_RULE_KINDS, { name, path });
  const split = splitByKind(rules, PKG_RULE_KINDS);
  const i = firstMatch(split.lists.name, name);
  return i < 0 ? -1 : split.indices.name[i]!;
}

/** Whether a Python package is recorded: first full match by name or path, default KEEP. */
export function keepPackage(cfg: SiteConfig, name: string, path: string): boolean {
  const i = packageRuleIndex(cfg, name, path);
  return i < 0 || cfg.rules.pythonPackages[i]!.action === 'KEEP';
}

/**
 * The cluster name the collector computes for `host` (the kernel's node name), or a
 * description when it depends on the node (a file's first line, an environment variable).
 * @example syshostFor(cfg, 'c401-102.stampede2.tacc.utexas.edu') // 'stampede2' with nth_name 2
 */
export function syshostFor(cfg: SiteConfig, host: string): string {
  const s = cfg.syshost;
  switch (s.kind) {
    case 'hardcode': return s.name;
    case 'nth_name': return host.split('.')[s.nth - 1] || host;
    case 'strip_numbers': return host.split('.')[0]!.replace(/[0-9].*$/, '') || host;
    case 'mapping': {
      const i = firstMatch(s.mapping, host);
      return i < 0 ? host : s.mapping[i]!.name;
    }
    case 'read_file': return `(first line of ${s.file})`;
    case 'env_var': return `($${s.variable}, else "unknown")`;
  }
}
