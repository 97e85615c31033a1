/**
 * Errors the CLI knows how to report. A `UserError` is something the person running xalt can
 * fix (bad input, bad config, unreachable database); anything else is a bug in xalt.
 * Only `src/cli/main.ts` turns errors into exit codes.
 */

/** Exit codes, documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  /** runtime failure, or a partial success such as an ingest that quarantined files */
  failure: 1,
  /** bad usage or bad configuration */
  usage: 2,
  /** a lookup (find, explain) matched nothing */
  notFound: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the user can act on: a stable code, one sentence, and a hint naming the next step.
 * @example throw new UserError('XALT_CONFIG_INVALID', 'xalt.toml:12: [path] rules[3].action: "KEPP" is not one of KEEP, SKIP, PKGS, CUSTOM')
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly exitCode: ExitCode = ExitCode.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A failure at run time (database down, file unreadable): exit 1 rather than 2. */
export class RuntimeError extends UserError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, hint, ExitCode.failure);
    this.name = 'RuntimeError';
  }
}
