/**
 * Rules xalt adds around a site's lists, as XALT's head_path_patterns do: xalt's own
 * programs, shells and the install directory are never tracked, and environment variables
 * whose names look secret are never recorded, whatever the site's rules say. Also the
 * catch-all default rule each list ends with, so the compiled list always decides.
 */
import type { KeepSkip, PathAction, Rule, SiteConfig } from './site-config.js';

/** Shells are skipped: every job script runs one and it says nothing about the software used. */
export const SHELLS = ['sh', 'dash', 'bash', 'zsh', 'csh', 'tcsh', 'fish', 'ksh', 'ksh93', 'mksh', 'pdksh', 'ash', 'busybox'] as const;

/** Words that make an environment variable name secret (matched in any case). */
export const SECRET_WORDS = ['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'KEY', 'CREDENTIAL', 'AUTH', 'COOKIE', 'PRIVATE', 'SESSION'] as const;

/** A regex matching `word` in any letter case, e.g. `[Kk][Ee][Yy]`. */
export function caseless(word: string): string {
  return [...word].map((c) => (/[A-Za-z]/.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('');
}

/** Escape every regex metacharacter of a literal string. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);
}

/** Matches "NAME=value" whose NAME contains a secret word. */
export const SECRET_ENV_PATTERN = `[^=]*(${SECRET_WORDS.map(caseless).join('|')})[^=]*=.*`;

function builtin<A extends string>(action: A, pattern: string, note: string): Rule<A> {
  return Object.freeze({ action, pattern, line: 0, source: 'builtin' as const, note });
}

function fallback<A extends string>(action: A, note: string): Rule<A> {
  return Object.freeze({ action, pattern: '.*', line: 0, source: 'default' as const, note });
}

/** Head rules placed before the site's path rules. */
export function headPathRules(installPrefix: string): Rule<PathAction>[] {
  const rules: Rule<PathAction>[] = [
    builtin('SKIP', '.*/xalt(_[A-Za-z0-9_.-]+)?', "xalt's own programs are never tracked"),
    builtin('SKIP', `.*/(${SHELLS.join('|')})`, 'shells are never tracked'),
  ];
  const prefix = installPrefix.replace(/\/+$/, '');
  if (prefix !== '') rules.unshift(builtin('SKIP', `${escapeRegex(prefix)}/.*`, 'the xalt install directory is never tracked'));
  return rules;
}

/** The path list as the collector and `explain` see it: head rules, site rules, default. */
export function effectivePathRules(cfg: SiteConfig): Rule<PathAction>[] {
  return [...headPathRules(cfg.install.prefix), ...cfg.rules.paths, fallback(cfg.rules.pathDefault, 'no path rule matched')];
}

/** The host list: site rules, then the default. */
export function effectiveHostRules(cfg: SiteConfig): Rule<KeepSkip>[] {
  return [...cfg.rules.hosts, fallback(cfg.rules.hostDefault, 'no host rule matched')];
}

/** The environment list: secrets refused first, site allow-list, everything else skipped. */
export function effectiveEnvRules(cfg: SiteConfig): Rule<KeepSkip>[] {
  return [
    builtin('SKIP', SECRET_ENV_PATTERN, `names containing ${SECRET_WORDS.join(', ')} are never recorded`),
    ...cfg.rules.env,
    fallback('SKIP', 'environment capture is an allow-list'),
  ];
}
