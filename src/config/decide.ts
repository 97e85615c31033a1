/**
 * Small decisions other parts of xalt ask of the config: the application name of an
 * executable (reports), the pre-ingest probability (ingest), the run-time sampling
 * probability, whether an environment variable or a Python package is kept.
 */
import { effectiveEnvRules } from './builtin-rules.js';
import { firstMatch } from './rule-matcher.js';
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

/** Whether a Python package is recorded: first full match by name or path, default KEEP. */
export function keepPackage(cfg: SiteConfig, name: string, path: string): boolean {
  for (const rule of cfg.rules.pythonPackages) {
    if (firstMatch([rule], rule.kind === 'name' ? name : path) === 0) return rule.action === 'KEEP';
  }
  return true;
}
