/** Help text, generated from the command table so it cannot drift from what is parsed. */
import { commands, globalOptions, type CommandSpec, type OptionSpec } from './command-table.js';

/** `xalt --help`: every command with its summary. */
export function formatOverview(): string {
  const names = commands.map((c) => c.name.join(' '));
  const width = Math.max(...names.map((n) => n.length));
  const lines = commands.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`);
  return `usage: xalt COMMAND [OPTIONS]\n\nSoftware-usage tracking for HPC clusters.\n\ncommands:\n${lines.join('\n')}\n\nRun "xalt COMMAND --help" for a command's options.\n`;
}

/** The commands whose name starts with `words` (`xalt config` lists config check, explain, import). */
export function commandsUnder(words: readonly string[]): CommandSpec[] {
  return commands.filter((c) => c.name.length > words.length && words.every((w, i) => c.name[i] === w));
}

/** `xalt config` alone: the subcommands of a group, with their summaries. */
export function formatGroup(words: readonly string[]): string {
  const under = commandsUnder(words);
  const names = under.map((c) => c.name.join(' '));
  const width = Math.max(...names.map((n) => n.length));
  const lines = under.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`);
  return `usage: xalt ${words.join(' ')} SUBCOMMAND [OPTIONS]\n\nsubcommands:\n${lines.join('\n')}\n\nRun "xalt ${words.join(' ')} SUBCOMMAND --help" for its options.\n`;
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
