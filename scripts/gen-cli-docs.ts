/**
 * Generates docs/cli.md from the command table, so the reference cannot drift from what
 * the command parses. `node dist/scripts/gen-cli-docs.js` rewrites the file;
 * test/repo/cli-docs.test.ts fails when the committed copy is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands, globalOptions, type OptionSpec } from '../src/cli/command-table.js';

function optionRow(name: string, o: OptionSpec): string {
  const short = o.short ? `\`-${o.short}\`, ` : '';
  const value = o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
  return `| ${short}\`--${name}${value}\` | ${o.description.replace(/\|/g, '\\|')} |`;
}

/** The text of docs/cli.md. */
export function renderCliDocs(): string {
  const out: string[] = [
    '# `xalt` command reference',
    '',
    '<!-- GENERATED from src/cli/command-table.ts by scripts/gen-cli-docs.ts — do not edit. -->',
    '',
    'Data goes to stdout; messages, warnings and progress to stderr. Errors are one line,',
    '`xalt: error: <what happened>`, followed by `  hint: <what to do next>`.',
    '',
    '**Exit codes:** 0 success (an empty report is a success); 1 runtime failure or partial',
    'success (for example an ingest that quarantined files); 2 usage or configuration error;',
    '3 a lookup (find, explain) matched nothing; 130 interrupted.',
    '',
    '**Not here: the job epilog.** Compute nodes run no Node.js: the epilog and the timer are',
    '`PREFIX/sbin/xalt-ship`, a native program, called by the script `PREFIX/libexec/xalt/epilog`',
    'that `xalt install` writes (see [ship.md](ship.md)). The former `xalt epilog` was removed;',
    'running it prints where to go instead.',
    '',
    '**Which configuration:** `-c FILE`, else `$XALT_CONFIG`, else `./xalt.toml`, else',
    '`$XALT_DIR/etc/xalt.toml`, else the built-in defaults. The launcher `xalt install` writes',
    '(`PREFIX/bin/xalt`) sets `$XALT_CONFIG` to `PREFIX/etc/xalt.toml` unless it is set already,',
    'so an installed xalt never picks up a `./xalt.toml` from the current directory.',
    '',
    '## Options every command accepts',
    '',
    '| option | meaning |',
    '|---|---|',
    ...Object.entries(globalOptions).map(([n, o]) => optionRow(n, o)),
    '',
  ];
  for (const c of commands) {
    out.push(`## xalt ${c.name.join(' ')}${c.positionals ? ` ${c.positionals}` : ''}`, '', `${c.summary}.`, '');
    const opts = Object.entries(c.options);
    if (opts.length) out.push('| option | meaning |', '|---|---|', ...opts.map(([n, o]) => optionRow(n, o)), '');
  }
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));
  writeFileSync(target, renderCliDocs());
  console.log(`wrote ${target}`);
}
