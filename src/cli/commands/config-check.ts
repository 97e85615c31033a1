/**
 * `xalt config check [FILE]`: validate the site configuration, report every problem at once
 * (`FILE:LINE: key: what is wrong (valid: …)`), and check that each rule list compiles into
 * an automaton small enough for the collector.
 */
import type { CommandArgs } from '../command-args.js';
import { stringOption, flag } from '../command-args.js';
import { ExitCode, UserError } from '../../errors.js';
import { readSiteConfig } from '../../config/load-site-config.js';
import { collectorLists, C_LIST_NAMES, type CListName } from '../../config/emit-c.js';
import { shadowedRuleWarnings } from '../../config/shadowed-rules.js';
import { compileRuleList, type Dfa } from '../../config/compile-dfa.js';
import { AutomatonTooLarge } from '../../config/compile-nfa.js';

export async function run(args: CommandArgs): Promise<number> {
  if (args.positionals.length > 1) throw new UserError('XALT_USAGE', 'xalt config check takes at most one FILE', 'run "xalt config check --help"');
  const result = readSiteConfig(args.positionals[0] ?? stringOption(args, 'config'));
  const name = result.path ?? 'built-in defaults (etc/xalt.example.toml)';
  for (const w of result.warnings) args.stderr.write(`xalt: warning: ${w}\n`);
  if (!result.config) {
    for (const e of result.errors) args.stderr.write(`xalt: error: ${e}\n`);
    args.stderr.write(`  hint: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} in ${name}; fix them and run "xalt config check" again\n`);
    return ExitCode.usage;
  }
  const lists = collectorLists(result.config);
  const sizes: string[] = [];
  const dfas: Partial<Record<CListName, Dfa>> = {};
  for (const list of C_LIST_NAMES) {
    try {
      const dfa = compileRuleList(lists[list].patterns);
      dfas[list] = dfa;
      sizes.push(`${list} ${lists[list].patterns.length} rules/${dfa.stateCount} states`);
    } catch (err) {
      if (!(err instanceof AutomatonTooLarge)) throw err;
      throw new UserError('XALT_CONFIG_INVALID', `${name}: the ${list} rules do not compile: ${(err as Error).message}`, 'simplify the patterns (fewer ".*" in the middle, smaller {m,n} counts)');
    }
  }
  for (const w of shadowedRuleWarnings(result.config, dfas)) args.stderr.write(`xalt: warning: ${w}\n`);
  if (!flag(args, 'quiet')) args.stdout.write(`${name}: ok (fingerprint ${result.config.fingerprint}; ${sizes.join(', ')})\n`);
  return ExitCode.ok;
}
