/**
 * `xalt config explain`: which rule decides for an executable path with its arguments
 * (default), a host name (--host), an environment variable NAME=value (--env) or a Python
 * package name or import path (--pkg). Exit 0 when a rule decided, 3 when only the list's
 * default did (not an error: the result is printed as "default").
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CommandArgs } from '../command-args.js';
import { flag, stringOption } from '../command-args.js';
import { ExitCode, UserError } from '../errors.js';
import { loadSiteConfig } from '../../config/load-site-config.js';
import { explainEnv, explainHost, explainPackage, explainPath, type Explanation, type ExplainStep, type FsView } from '../../config/explain.js';

const fsView: FsView = {
  realpath(p) {
    try { return realpathSync(p); } catch { return undefined; }
  },
};

/** The path the collector would see (/proc/self/exe): PATH lookup, then symlinks resolved. */
function executablePath(name: string): string {
  let candidate = name;
  if (!name.includes('/')) {
    for (const dir of (process.env['PATH'] ?? '').split(':')) {
      const p = join(dir || '.', name);
      try { accessSync(p, constants.X_OK); candidate = p; break; } catch { /* next */ }
    }
  }
  const abs = isAbsolute(candidate) ? candidate : resolve(candidate);
  return fsView.realpath(abs) ?? abs;
}

function ruleLabel(s: ExplainStep): string {
  if (s.source === 'builtin') return 'built-in';
  if (s.source === 'default') return 'default';
  if (s.source === 'skipped') return 'skipped';
  return `rules.${s.list}[${s.index}]`;
}

/** Long built-in patterns are cut in the table (--json has them whole). */
function shorten(p: string): string {
  return p.length > 60 ? `${p.slice(0, 59)}…` : p;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function render(e: Explanation, file: string): string {
  const rows = [['LIST', 'RULE', 'LINE', 'PATTERN', 'INPUT', 'ACTION'], ...e.steps.map((s) => [s.list, ruleLabel(s), s.line ? String(s.line) : '-', shorten(s.pattern) || '-', JSON.stringify(s.input).slice(1, -1), s.action])];
  const last = e.steps[e.steps.length - 1]!;
  const by = e.decidedBy === 'default' ? 'default' : e.decidedBy === 'builtin' ? `built-in rule (${last.note ?? ''})` : `${ruleLabel(last)}, ${file}:${last.line}`;
  return `${table(rows)}result: ${e.result} (decided by ${by})\n`;
}

export async function run(args: CommandArgs): Promise<number> {
  const [what, ...rest] = args.positionals;
  if (what === undefined) throw new UserError('XALT_USAGE', 'xalt config explain needs something to explain: PATH [ARGS...], or --host NAME, --env NAME=value, --pkg NAME|PATH', 'run "xalt config explain --help"');
  const modes = ['host', 'env', 'pkg'].filter((m) => flag(args, m));
  if (modes.length > 1) throw new UserError('XALT_USAGE', `--${modes.join(' and --')} cannot be combined`, 'explain one thing at a time');
  if (modes.length === 1 && rest.length > 0) throw new UserError('XALT_USAGE', `--${modes[0]} takes one value, got ${args.positionals.length}`, 'quote values that contain spaces');
  const cfg = await loadSiteConfig(stringOption(args, 'config'));
  const e = modes[0] === 'host' ? explainHost(cfg, what)
    : modes[0] === 'env' ? explainEnv(cfg, what)
    : modes[0] === 'pkg' ? explainPackage(cfg, what)
    : explainPath(cfg, executablePath(what), rest, fsView);
  if (flag(args, 'json')) {
    args.stdout.write(`${JSON.stringify({ schema_version: 1, config: cfg.file, kind: e.kind, input: e.input, result: e.result, decided_by: e.decidedBy, steps: e.steps }, null, 2)}\n`);
  } else {
    args.stdout.write(render(e, cfg.file));
  }
  return e.decidedBy === 'default' ? ExitCode.notFound : ExitCode.ok;
}
