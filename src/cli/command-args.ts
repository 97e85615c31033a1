/**
 * Where a command writes text: a Node stream (tests), or `xalt`'s own output to a file
 * descriptor (src/cli/fd-output.ts).
 */
export interface Output {
  write(text: string): boolean;
  /** true for a terminal (progress bars are drawn only there) */
  readonly isTTY?: boolean;
}

/** What a command module receives: parsed options and positionals, plus where to write. */
export interface CommandArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  /** data goes here */
  readonly stdout: Output;
  /** messages, warnings and progress go here */
  readonly stderr: Output;
}

/** A command module's shape: run and return the exit code. */
export interface CommandModule {
  run(args: CommandArgs): Promise<number>;
}

/** The string value of option `name`, or undefined. */
export function stringOption(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** True when boolean option `name` was given. */
export function flag(args: CommandArgs, name: string): boolean {
  return args.values[name] === true;
}

/** All values of a repeatable string option. */
export function listOption(args: CommandArgs, name: string): string[] {
  const v = args.values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}
