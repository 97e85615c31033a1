/**
 * Entry point of the `xalt` command: find the command in the table, parse its options,
 * run it, and map what it returns or throws to an exit code. The only place that calls
 * `process.exit`.
 */
import { parseArgs } from 'node:util';
import type { CommandArgs, CommandModule, Output } from './command-args.js';
import { commands, globalOptions, type CommandSpec } from './command-table.js';
import { ExitCode, UserError } from '../errors.js';
import { commandsUnder, formatGroup, formatHelp, formatOverview } from './help.js';
import { FdOutput } from './fd-output.js';

/** Commands that were replaced: what to say and what to run instead. */
const REMOVED: Readonly<Record<string, readonly [string, string]>> = {
  epilog: [
    '"xalt epilog" was replaced by xalt-ship, a native program: compute nodes need no Node.js',
    'in slurm.conf set Epilog=PREFIX/libexec/xalt/epilog (written by "xalt install"), or run PREFIX/sbin/xalt-ship --job ID (docs/ship.md)',
  ],
};

/** Run `xalt` with `argv` (without node and script) and exit. */
export async function main(argv: readonly string[]): Promise<void> {
  const code = await runCli(argv, new FdOutput(1), new FdOutput(2));
  process.exitCode = code;
}

/** Run `xalt` and return the exit code instead of exiting (used by tests). */
export async function runCli(argv: readonly string[], stdout: Output, stderr: Output): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const spec = findCommand(argv);
    if (!spec) {
      if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
        stdout.write(formatOverview());
        return ExitCode.ok;
      }
      if (argv.length === 0) { // nothing was asked: the overview, as a usage error
        stderr.write(formatOverview());
        return ExitCode.usage;
      }
      if (argv[0] === '--version') {
        stdout.write(`xalt ${await packageVersion()}\n`);
        return ExitCode.ok;
      }
      const gone = REMOVED[argv[0] ?? ''];
      if (gone) throw new UserError('XALT_USAGE', gone[0], gone[1]);
      const group = argv.filter((a) => !a.startsWith('-'));
      if (group.length === 1 && commandsUnder(group).length > 0) { // `xalt config`, `xalt db`
        const wantsHelp = argv.includes('--help') || argv.includes('-h');
        (wantsHelp ? stdout : stderr).write(formatGroup(group));
        return wantsHelp ? ExitCode.ok : ExitCode.usage;
      }
      throw new UserError('XALT_USAGE', `unknown command "${group.join(' ')}"`, 'run "xalt --help" for the list of commands');
    }
    const rest = argv.slice(spec.name.length);
    const parsed = parseCommandLine(spec, rest);
    if (parsed.values['help'] === true) {
      stdout.write(formatHelp(spec));
      return ExitCode.ok;
    }
    const mod = await spec.load();
    if (parsed.values['verbose'] !== true) return await mod.run({ values: parsed.values, positionals: parsed.positionals, stdout, stderr });
    return await runSayingConfig(mod, { values: parsed.values, positionals: parsed.positionals, stdout, stderr });
  } catch (err) {
    return reportError(err, stderr, debug);
  }
}

/** Run the command and say which configuration it read, or that it read none (`-v`). */
async function runSayingConfig(mod: CommandModule, args: CommandArgs): Promise<number> {
  const notice = await import('../config/config-notice.js');
  notice.announceConfigTo((line) => args.stderr.write(line));
  try {
    return await mod.run(args);
  } finally {
    if (!notice.configNoticeGiven()) args.stderr.write('xalt: configuration: none read (the store was named by --db or $XALT_DB, or the command needs none)\n');
  }
}

function findCommand(argv: readonly string[]): CommandSpec | undefined {
  const matching = commands.filter((c) => c.name.every((word, i) => argv[i] === word));
  return matching.sort((a, b) => b.name.length - a.name.length)[0];
}

function parseCommandLine(spec: CommandSpec, rest: readonly string[]) {
  const options = { ...globalOptions, ...spec.options };
  const parseOptions = Object.fromEntries(
    Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
  );
  const [ours, theirs] = spec.optionsEndAtPositional ? splitAtPositional(rest, options) : [rest, []];
  try {
    const parsed = parseArgs({ args: [...ours], options: parseOptions, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: [...parsed.positionals, ...theirs] };
  } catch (err) {
    throw new UserError('XALT_USAGE', `xalt ${spec.name.join(' ')}: ${parseArgsMessage(err)}`, `run "xalt ${spec.name.join(' ')} --help"`);
  }
}

/** Split argv before its first positional argument (an option's value is not one). */
function splitAtPositional(args: readonly string[], options: Readonly<Record<string, { type: string; short?: string }>>): [string[], string[]] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return [args.slice(0, i), args.slice(i + 1)];
    if (!a.startsWith('-') || a === '-') return [args.slice(0, i), args.slice(i)];
    if (takesValue.has(a)) i++; // its value follows
  }
  return [[...args], []];
}

/** parseArgs' error as one plain sentence (its own text runs on with quoting advice). */
function parseArgsMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const option = /'(-{1,2}[^']*)'/.exec(msg)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option ${option ?? msg}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = /--[\w-]+/.exec(option ?? '')?.[0] ?? option;
      return name ? `option ${name} ${/argument missing/.test(msg) ? 'needs a value' : 'takes no value'}` : msg.split('\n')[0]!;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': return `unexpected argument ${/'([^']*)'/.exec(msg)?.[1] ?? ''}`.trim();
    default: return msg.split('\n')[0]!;
  }
}

function reportError(err: unknown, stderr: Output, debug: boolean): number {
  if (err instanceof UserError) {
    stderr.write(`xalt: error: ${err.message}\n`);
    if (err.hint) stderr.write(`  hint: ${err.hint}\n`);
    if (debug && err.stack) stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  stderr.write(`xalt: internal error: ${e.message}\n${e.stack ?? ''}\nThis is a bug in xalt; please report it with the command you ran.\n`);
  return ExitCode.failure;
}

async function packageVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs'); // (node:fs/promises would be one more module to load)
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
