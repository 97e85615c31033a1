/**
 * `xalt config explain` logic (pure; file-system questions are asked through `FsView`):
 * which rule decides for an executable with its arguments (as XALT: CUSTOM → argument
 * rules, CONTINUE, JUMP_n, non-existent non-option arguments skipped), a host name, an
 * environment variable or a Python package, with every rule consulted on the way.
 */
import { effectiveEnvRules, effectiveHostRules, effectivePathRules } from './builtin-rules.js';
import { packageRuleIndex } from './decide.js';
import { firstMatch } from './rule-matcher.js';
import type { Rule, RuleSource, SiteConfig } from './site-config.js';

/** What explain may ask of the file system. */
export interface FsView {
  /** canonical path of an existing file, else undefined */
  realpath(path: string): string | undefined;
}

/** One rule list consulted. */
export interface ExplainStep {
  readonly list: 'hosts' | 'paths' | 'path_args' | 'env' | 'python_packages' | 'syshost';
  readonly input: string;
  /** index in the site's list (file order); -1 for built-in and default rules */
  readonly index: number;
  readonly line: number;
  readonly pattern: string;
  readonly action: string;
  readonly source: RuleSource | 'skipped';
  readonly note?: string;
}

export interface Explanation {
  readonly kind: 'path' | 'host' | 'env' | 'pkg';
  readonly input: string;
  readonly result: string;
  /** source of the deciding step: "default" means no rule of the site or of xalt decided */
  readonly decidedBy: RuleSource;
  readonly steps: readonly ExplainStep[];
}

function step(list: ExplainStep['list'], input: string, rules: readonly Rule<string>[], siteRules: readonly unknown[]): ExplainStep {
  const i = firstMatch(rules, input);
  const rule = rules[i];
  if (!rule) return { list, input, index: -1, line: 0, pattern: '', action: 'NONE', source: 'default', note: 'no rule matched' };
  return {
    list, input, index: siteRules.indexOf(rule), line: rule.line, pattern: rule.pattern, action: rule.action, source: rule.source,
    ...(rule.note ? { note: rule.note } : {}),
  };
}

function finish(kind: Explanation['kind'], input: string, steps: ExplainStep[], result?: string): Explanation {
  const last = steps[steps.length - 1]!;
  return { kind, input, result: result ?? last.action, decidedBy: last.source === 'skipped' ? 'default' : last.source, steps };
}

const FINAL = new Set(['PKGS', 'KEEP', 'SKIP']);

/**
 * Classify an executable run as the collector would.
 * @example explainPath(cfg, '/usr/bin/python3', ['-m', 'pip'], fs).result // 'PKGS'
 */
export function explainPath(cfg: SiteConfig, execPath: string, args: readonly string[], fs: FsView): Explanation {
  const steps: ExplainStep[] = [step('paths', execPath, effectivePathRules(cfg), cfg.rules.paths)];
  if (steps[0]!.action !== 'CUSTOM') return finish('path', execPath, steps);
  const argRules = cfg.rules.pathArgs;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = arg.startsWith('-') ? arg : fs.realpath(arg);
    if (value === undefined) {
      steps.push({ list: 'path_args', input: `${execPath};${arg}`, index: -1, line: 0, pattern: '', action: 'NEXT', source: 'skipped', note: 'argument is not an option and no such file exists' });
      continue;
    }
    const s = step('path_args', `${execPath};${value}`, argRules, argRules);
    steps.push(s.source === 'default' ? { ...s, action: 'CONTINUE', note: 'no argument rule matched' } : s);
    if (FINAL.has(s.action)) return finish('path', execPath, steps);
    const jump = /^JUMP_([1-4])$/.exec(s.action);
    if (jump) i += Number(jump[1]);
  }
  const last = step('path_args', `${execPath};`, argRules, argRules);
  if (FINAL.has(last.action)) return finish('path', execPath, [...steps, last]);
  steps.push({ ...last, action: 'SKIP', source: last.source === 'default' ? 'default' : last.source, note: 'no argument decided: a CUSTOM program is skipped' });
  return finish('path', execPath, steps);
}

/** Whether a host is tracked. */
export function explainHost(cfg: SiteConfig, host: string): Explanation {
  return finish('host', host, [step('hosts', host, effectiveHostRules(cfg), cfg.rules.hosts)]);
}

/** Whether `NAME=value` is recorded. */
export function explainEnv(cfg: SiteConfig, assignment: string): Explanation {
  const input = assignment.includes('=') ? assignment : `${assignment}=`;
  return finish('env', input, [step('env', input, effectiveEnvRules(cfg), cfg.rules.env)]);
}

/**
 * Whether a Python package (given by name, or by the file it is imported from) is recorded,
 * decided as the hook decides it (packageRuleIndex: the automata of xalt_site_rules.py).
 */
export function explainPackage(cfg: SiteConfig, nameOrPath: string): Explanation {
  const isPath = nameOrPath.includes('/');
  const name = isPath ? packageNameOf(nameOrPath) : nameOrPath;
  const i = packageRuleIndex(cfg, name, isPath ? nameOrPath : undefined);
  const rule = cfg.rules.pythonPackages[i];
  if (rule) {
    const input = rule.kind === 'name' ? name : nameOrPath;
    return finish('pkg', nameOrPath, [{ list: 'python_packages', input, index: i, line: rule.line, pattern: rule.pattern, action: rule.action, source: 'site', note: `matched by ${rule.kind}` }]);
  }
  return finish('pkg', nameOrPath, [{ list: 'python_packages', input: nameOrPath, index: -1, line: 0, pattern: '', action: 'KEEP', source: 'default', note: isPath ? 'no rule matched' : 'no name rule matched (give the import path to test path rules)' }]);
}

/** Top-level package of an import path: `.../numpy/__init__.py` → numpy, `.../six.py` → six. */
export function packageNameOf(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  const file = parts[parts.length - 1] ?? '';
  const base = /^__init__\.[a-z]+$/.test(file) ? parts[parts.length - 2] ?? file : file;
  return base.replace(/\.(py|pyc|so|[a-z0-9_-]+\.so)$/, '').split('.')[0]!;
}
