/**
 * `xalt config explain`: which rule decides for an executable path with its arguments
 * (default), a host name (--host), an environment variable NAME=value (--env) or a Python
 * package name or import path (--pkg). Exit 0 when a rule decided, 3 when only the list's
 * default did (not an error: the result is printed as "default").
 */
import { accessSync, closeSync, constants, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CommandArgs } from '../command-args.js';
import { flag, stringOption } from '../command-args.js';
import { ExitCode, UserError } from '../../errors.js';
import { loadSiteConfig } from '../../config/load-site-config.js';
import { syshostFor } from '../../config/decide.js';
import { explainEnv, explainHost, explainPackage, explainPath, type Explanation, type ExplainStep, type FsView } from '../../config/explain.js';

const fsView: FsView = {
  realpath(p) {
    try { return realpathSync(p); } catch { return undefined; }
  },
};

/** PATH lookup of a command name, as execvp does. */
function which(name: string): string {
  if (name.includes('/')) return name;
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const p = join(dir || '.', name);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return name;
}

/** The `#!` line of a file, or undefined. */
function shebang(path: string): string[] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('latin1');
    if (!text.startsWith('#!')) return undefined;
    return text.slice(2).split('\n')[0]!.trim().split(/\s+/).filter((w) => w !== '');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * What the collector would see for `name args`: the executable after PATH lookup and symlink
 * resolution (/proc/self/exe); for a script, its interpreter (through /usr/bin/env), with the
 * script as the first argument.
 */
function resolveCommand(name: string, args: readonly string[], notes: string[]): { exe: string; args: readonly string[] } {
  const found = which(name);
  const abs = isAbsolute(found) ? found : resolve(found);
  const exe = fsView.realpath(abs) ?? abs;
  const line = shebang(exe);
  if (!line || line.length === 0) return { exe, args };
  let [interp, ...interpArgs] = line as [string, ...string[]];
  if (/\/env$/.test(interp) && interpArgs.length > 0) {
    const words = interpArgs[0] === '-S' ? interpArgs.slice(1) : interpArgs;
    [interp, ...interpArgs] = words as [string, ...string[]];
  }
  const next = resolveCommand(interp, [...interpArgs, abs, ...args], notes);
  notes.unshift(`${abs} is a script: the collector sees its interpreter ${next.exe}`);
  return next;
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

function explainCommand(cfg: Parameters<typeof explainPath>[0], name: string, rest: readonly string[], args: CommandArgs): Explanation {
  const notes: string[] = [];
  const cmd = resolveCommand(name, rest, notes);
  for (const n of notes) args.stderr.write(`note: ${n}\n`);
  return explainPath(cfg, cmd.exe, cmd.args, fsView);
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
    : explainCommand(cfg, what, rest, args);
  const syshost = modes[0] === 'host' ? { syshost: syshostFor(cfg, what) } : {};
  if (flag(args, 'json')) {
    args.stdout.write(`${JSON.stringify({ schema_version: 1, config: cfg.file, kind: e.kind, input: e.input, result: e.result, decided_by: e.decidedBy, ...syshost, steps: e.steps }, null, 2)}\n`);
  } else {
    args.stdout.write(render(e, cfg.file));
    if (syshost.syshost !== undefined) args.stdout.write(`syshost: ${syshost.syshost} (${cfg.syshost.kind})\n`);
  }
  return e.decidedBy === 'default' ? ExitCode.notFound : ExitCode.ok;
}
