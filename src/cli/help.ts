/** Help text, generated from the command table so it cannot drift from what is parsed. */
import { commands, globalOptions, type CommandSpec, type OptionSpec } from './command-table.js';

/** `xalt --help`: every command with its summary. */
export function formatOverview(): string {
  const names = commands.map((c) => c.name.join(' '));
  const width = Math.max(...names.map((n) => n.length));
  const lines = commands.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`);
  return `usage: xalt COMMAND [OPTIONS]\n\nSoftware-usage tracking for HPC clusters.\n\ncommands:\n${lines.join('\n')}\n\nRun "xalt COMMAND --help" for a command's options.\n`;
}

/** `xalt COMMAND --help`. */
export function formatHelp(spec: CommandSpec): string {
  const opts = { ...spec.options, ...globalOptions };
  const rows = Object.entries(opts).map(([name, o]) => [optionLabel(name, o), o.description] as const);
  const width = Math.max(...rows.map(([l]) => l.length));
  const usage = `usage: xalt ${spec.name.join(' ')} [OPTIONS]${spec.positionals ? ` ${spec.positionals}` : ''}`;
  return `${usage}\n\n${spec.summary}\n\noptions:\n${rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`).join('\n')}\n`;
}

function optionLabel(name: string, o: OptionSpec): string {
  const short = o.short ? `-${o.short}, ` : '    ';
  const value = o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
  return `${short}--${name}${value}`;
}
