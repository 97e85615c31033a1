/**
 * `-v`: say on stderr which configuration file a command used and why it was that one (a
 * `./xalt.toml` in the current directory silently winning over the installed one was a real
 * surprise). Kept apart from the loader so that the CLI can switch it on without loading the
 * TOML parser for commands that never read the configuration.
 */

let write: ((line: string) => void) | undefined;
let given = false;

/** Start announcing: every configuration read from now on is named through `out`. */
export function announceConfigTo(out: (line: string) => void): void {
  write = out;
}

/** The loader read the configuration from `file`, chosen because of `source`. */
export function noteConfigUsed(file: string, source: string): void {
  if (write === undefined || given) return;
  given = true;
  write(`xalt: configuration: ${file} (${source})\n`);
}

/** Whether a configuration was named since announcing began. */
export function configNoticeGiven(): boolean {
  return given;
}
