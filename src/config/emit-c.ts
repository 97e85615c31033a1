/**
 * SiteConfig → the text of `site_config.c` (pure): the rule lists as DFA tables plus the
 * `xalt_site_config` struct, implementing native/src/site_config.h exactly. The matcher is
 * one pass over the string, table lookups only: no regex library, no allocation, no IO. It
 * stops at the first final state (see compile-dfa.ts), where the decision can no longer change.
 * Each list's transitions are a dense table or, where that is much smaller, a default target
 * plus a few exceptions per state (see encode-dfa.ts for the layouts and the rule).
 */
import { effectiveEnvRules, effectiveHostRules, effectivePathRules } from './builtin-rules.js';
import { compileRuleList } from './compile-dfa.js';
import { chooseEncoding, denseBytes, tableBytes, type EncodedDfa } from './encode-dfa.js';
import type { RuleAction, SamplingRow, SiteConfig } from './site-config.js';

/** The rule lists in `enum xalt_rule_list` order. */
export const C_LIST_NAMES = ['host', 'path', 'path_arg', 'env', 'syshost'] as const;
export type CListName = (typeof C_LIST_NAMES)[number];

/** What goes into one compiled list: patterns in priority order and their actions. */
export interface CompiledListInput {
  readonly patterns: readonly string[];
  readonly actions: readonly (RuleAction | 'NONE')[];
  /** where each rule comes from, for the comment in the generated file ("xalt.toml:12", "built-in") */
  readonly origins: readonly string[];
}

/** The five lists exactly as the collector sees them (built-in head rules and defaults included). */
export function collectorLists(cfg: SiteConfig): Record<CListName, CompiledListInput> {
  const origin = (r: { source: string; line: number }) => (r.source === 'site' ? `line ${r.line}` : r.source === 'builtin' ? 'built-in' : 'default');
  const of = (rules: readonly { pattern: string; action: RuleAction; source: string; line: number }[]): CompiledListInput => ({
    patterns: rules.map((r) => r.pattern), actions: rules.map((r) => r.action), origins: rules.map(origin),
  });
  const mapping = cfg.syshost.kind === 'mapping' ? cfg.syshost.mapping : [];
  return {
    host: of(effectiveHostRules(cfg)),
    path: of(effectivePathRules(cfg)),
    path_arg: of(cfg.rules.pathArgs),
    env: of(effectiveEnvRules(cfg)),
    syshost: { patterns: mapping.map((m) => m.pattern), actions: mapping.map(() => 'NONE' as const), origins: mapping.map((m) => `line ${m.line} -> ${m.name}`) },
  };
}

const ACTION_ENUM: Readonly<Record<RuleAction | 'NONE', string>> = {
  NONE: 'XALT_ACT_NONE', PKGS: 'XALT_ACT_PKGS', KEEP: 'XALT_ACT_KEEP', SKIP: 'XALT_ACT_SKIP', CUSTOM: 'XALT_ACT_CUSTOM',
  CONTINUE: 'XALT_ACT_CONTINUE', JUMP_1: 'XALT_ACT_JUMP_1', JUMP_2: 'XALT_ACT_JUMP_2', JUMP_3: 'XALT_ACT_JUMP_3', JUMP_4: 'XALT_ACT_JUMP_4',
};

/** A C string literal: quotes, backslashes and non-printable bytes escaped. */
export function cString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f && b !== 0x3f) out += String.fromCharCode(b); // '?' escaped: no trigraphs
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function numbers(values: ArrayLike<number>, perLine = 24): string {
  const all = Array.from(values);
  const parts: string[] = [];
  for (let i = 0; i < all.length; i += perLine) parts.push(`  ${all.slice(i, i + perLine).join(', ')},`);
  return parts.join('\n');
}

function cDouble(n: number): string {
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function emitList(name: CListName, input: CompiledListInput, dfa: EncodedDfa): string {
  const actions = input.actions.length > 0 ? input.actions.map((a) => ACTION_ENUM[a]).join(', ') : 'XALT_ACT_NONE';
  if (input.patterns.length > 32767) throw new Error(`${name}: more than 32767 rules`);
  const listing = input.patterns.map((p, i) => ` *   ${i} ${input.actions[i]} ${input.origins[i]}: ${p}`.replace(/\*\//g, '*\\/').replace(/\/\*/g, '/\\*').replace(/[^\x20-\x7e]/g, '?'));
  const t = dfa.table;
  const layout = t.kind === 'dense'
    ? `dense transitions, ${tableBytes(dfa)} bytes`
    : `sparse transitions (${t.excClass.length} exceptions), ${tableBytes(dfa)} bytes (dense: ${denseBytes(dfa)})`;
  const transitions = t.kind === 'dense'
    ? [`static const uint16_t ${name}_next[${t.next.length}] = {\n${numbers(t.next)}\n};`]
    : [
      `static const uint16_t ${name}_default_next[${t.defaultNext.length}] = {\n${numbers(t.defaultNext)}\n};`,
      `static const uint16_t ${name}_exc_start[${t.excStart.length}] = {\n${numbers(t.excStart)}\n};`,
      // no exceptions at all: the exception arrays are never read, and C has no empty arrays
      ...(t.excClass.length === 0 ? [] : [
        `static const unsigned char ${name}_exc_class[${t.excClass.length}] = {\n${numbers(t.excClass, 32)}\n};`,
        `static const uint16_t ${name}_exc_next[${t.excNext.length}] = {\n${numbers(t.excNext)}\n};`,
      ]),
    ];
  return [
    `/* ${name}: ${input.patterns.length} rules, ${dfa.stateCount} states (final from ${dfa.finalFrom}), ${dfa.classCount} byte classes, ${layout}${listing.length > 0 ? `\n${listing.join('\n')}\n` : ' '}*/`,
    `static const unsigned char ${name}_class[256] = {\n${numbers(dfa.classOf, 32)}\n};`,
    ...transitions,
    `static const int16_t ${name}_accept[${dfa.stateCount}] = {\n${numbers(dfa.accept)}\n};`,
    `static const enum xalt_action ${name}_action[] = { ${actions} };`,
    '',
  ].join('\n');
}

/** The `rule_dfas[]` entry of a list: unused table pointers are 0. */
function emitDfaEntry(name: CListName, dfa: EncodedDfa, rules: number): string {
  const t = dfa.table;
  const tables = t.kind === 'dense'
    ? `${name}_next, 0, 0, 0, 0`
    : `0, ${name}_default_next, ${name}_exc_start, ${t.excClass.length === 0 ? '0, 0' : `${name}_exc_class, ${name}_exc_next`}`;
  return `  { ${name}_class, ${tables}, ${name}_accept, ${name}_action, ${dfa.classCount}u, ${dfa.start}u, ${dfa.finalFrom}u, ${rules} },`;
}

const MATCHER = `struct rule_dfa {
  const unsigned char *cls;   /* byte -> class */
  /* the transitions, one of two layouts (chosen per list when generating, see the list comments):
   * dense:  next[state * classes + class] -> state; the other four pointers are 0
   * sparse: next is 0; a state goes to default_next[state] except on the classes
   *         exc_class[e] (ascending), where it goes to exc_next[e], for
   *         exc_start[state] <= e < exc_start[state + 1] */
  const uint16_t *next;
  const uint16_t *default_next;
  const uint16_t *exc_start;
  const unsigned char *exc_class;
  const uint16_t *exc_next;
  const int16_t *accept;      /* state -> deciding rule index, -1 for none */
  const enum xalt_action *action;
  unsigned classes;
  unsigned start;
  unsigned final_from;        /* states >= final_from loop to themselves on every class: decided */
  int rules;
};

int xalt_rule_match(enum xalt_rule_list list, const char *s, size_t len) {
  const struct rule_dfa *d;
  unsigned st, c, e, end;
  size_t i;
  if ((unsigned)list >= (unsigned)XALT_RULES_COUNT) return -1;
  d = &rule_dfas[list];
  st = d->start;
  for (i = 0; i < len; i++) {
    if (st >= d->final_from) break; /* the decision cannot change: skip the rest */
    c = d->cls[(unsigned char)s[i]];
    if (d->next) {
      st = d->next[st * d->classes + c];
    } else {
      e = d->exc_start[st];
      end = d->exc_start[st + 1];
      while (e < end && d->exc_class[e] < c) e++; /* the state's exceptions, ascending by class */
      st = e < end && d->exc_class[e] == c ? d->exc_next[e] : d->default_next[st];
    }
  }
  return d->accept[st];
}

enum xalt_action xalt_rule_action(enum xalt_rule_list list, int index) {
  if ((unsigned)list >= (unsigned)XALT_RULES_COUNT || index < 0 || index >= rule_dfas[list].rules) return XALT_ACT_NONE;
  return rule_dfas[list].action[index];
}
`;

function emitRows(name: string, rows: readonly SamplingRow[]): string {
  return `static const struct xalt_sampling_row ${name}[] = { ${rows.map((r) => `{${cDouble(r.minRuntime)}, ${cDouble(r.probability)}}`).join(', ')} };`;
}

const SYSHOST_ENUM = { hardcode: 'XALT_SYSHOST_HARDCODE', nth_name: 'XALT_SYSHOST_NTH_NAME', read_file: 'XALT_SYSHOST_READ_FILE', mapping: 'XALT_SYSHOST_MAPPING', strip_numbers: 'XALT_SYSHOST_STRIP_NUMBERS', env_var: 'XALT_SYSHOST_ENV_VAR' } as const;
const LAYOUT_ENUM = { 'month/hash': 'XALT_LAYOUT_MONTH_HASH', hash: 'XALT_LAYOUT_HASH', flat: 'XALT_LAYOUT_FLAT', home: 'XALT_LAYOUT_HOME' } as const;
const START_ENUM = { mpi: 'XALT_START_MPI', always: 'XALT_START_ALWAYS', staged: 'XALT_START_STAGED' } as const;
const TRANSPORT_ENUM = { ship: 'XALT_TRANSPORT_SHIP', syslog: 'XALT_TRANSPORT_SYSLOG', direct: 'XALT_TRANSPORT_DIRECT', none: 'XALT_TRANSPORT_NONE' } as const;

function emitSiteStruct(cfg: SiteConfig): string {
  const sh = cfg.syshost;
  const arg = sh.kind === 'hardcode' ? sh.name : sh.kind === 'read_file' ? sh.file : sh.kind === 'env_var' ? sh.variable : '';
  const names = sh.kind === 'mapping' ? sh.mapping.map((m) => cString(m.name)) : [];
  const t = cfg.tracking;
  const b = (v: boolean) => (v ? 1 : 0);
  return `${emitRows('scalar_rows', cfg.sampling.scalar)}
${emitRows('mpi_rows', cfg.sampling.mpi)}
static const char *const syshost_names[] = { ${[...names, '0'].join(', ')} };
static const char *const redact_words[] = { ${[...cfg.privacy.redactWords.map((w) => cString(w)), '0'].join(', ')} };

const struct xalt_site_config xalt_site_config = {
  .syshost_kind = ${SYSHOST_ENUM[sh.kind]},
  .syshost_arg = ${cString(arg)},
  .syshost_nth = ${sh.kind === 'nth_name' ? sh.nth : 0},
  .syshost_names = syshost_names,
  .spool_prefix = ${cString(cfg.spool.prefix)},
  .spool_layout = ${LAYOUT_ENUM[cfg.spool.layout]},
  .tmpdir = ${cString(cfg.spool.tmpdir)},
  .transport = ${TRANSPORT_ENUM[cfg.spool.transport]},
  .ship_state_dir = ${cString(cfg.ship.stateDir)},
  .ship_max_age_hours = ${cfg.ship.maxAgeHours},
  .redact_words = redact_words,
  .track_scalar = ${b(t.scalar)},
  .track_mpi = ${b(t.mpi)},
  .track_gpu = ${b(t.gpu)},
  .signal_handler = ${b(t.signalHandler)},
  .sampling = ${b(t.sampling)},
  .start_policy = ${START_ENUM[t.start]},
  .mpi_always_record = ${t.mpiAlwaysRecord},
  .scalar_sampling = scalar_rows,
  .scalar_sampling_rows = ${cfg.sampling.scalar.length},
  .mpi_sampling = mpi_rows,
  .mpi_sampling_rows = ${cfg.sampling.mpi.length},
  .install_dir = ${cString(cfg.install.prefix)},
  .config_fingerprint = ${cString(cfg.fingerprint)},
};
`;
}

/** Options of `emitSiteConfigC`. */
export interface EmitCOptions {
  /** how the generated file includes the contract header */
  readonly includePath?: string;
  /** the config file name shown in the header comment */
  readonly sourceName?: string;
  /** tests only: one transition layout for every list instead of the per-list choice (encode-dfa.ts) */
  readonly encoding?: 'dense' | 'sparse';
}

/**
 * The complete `site_config.c` for a config.
 * @example writeFileSync('native/gen/site_config.c', emitSiteConfigC(cfg))
 */
export function emitSiteConfigC(cfg: SiteConfig, options: EmitCOptions = {}): string {
  const lists = collectorLists(cfg);
  const dfas = C_LIST_NAMES.map((name) => chooseEncoding(compileRuleList(lists[name].patterns), options.encoding));
  const bodies = C_LIST_NAMES.map((name, i) => emitList(name, lists[name], dfas[i]!));
  const table = C_LIST_NAMES.map((name, i) => emitDfaEntry(name, dfas[i]!, lists[name].patterns.length));
  return `/* GENERATED by xalt build — do not edit.
 * Source: ${(options.sourceName ?? cfg.file).replace(/\*\//g, '* /')} (fingerprint ${cfg.fingerprint})
 * Regenerate with \`xalt build\`. Rule lists are compiled into DFAs: xalt_rule_match() is one
 * pass over the string with table lookups only (no regex library, no allocation, no file read),
 * stopping early once it reaches a state whose decision can no longer change.
 */
#include ${JSON.stringify(options.includePath ?? '../src/site_config.h')}
#include <stdint.h>

${bodies.join('\n')}
${MATCHER.replace('int xalt_rule_match', `static const struct rule_dfa rule_dfas[XALT_RULES_COUNT] = {\n${table.join('\n')}\n};\n\nint xalt_rule_match`)}
${emitSiteStruct(cfg)}`;
}
