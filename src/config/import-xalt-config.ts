/**
 * XALT config.py values → xalt.toml text (pure), with a warning for each rule whose meaning
 * changes or was probably not what its author meant.
 *
 * Why decisions rarely change: XALT's flex scanners pick the longest match from the start,
 * ties to the earliest rule, and every list ends with a `.*` default that matches the whole
 * string — so the winner is the earliest rule matching the *whole* string, exactly xalt's
 * first-full-match. What does change: a trailing `$` (flex needs a newline, so XALT never
 * matched it), an unescaped `/` (flex trailing context), and Python package rules (XALT used
 * `re.match`, a prefix match; translated here to `(…).*`). What is probably a mistake in
 * both: shell-glob-looking patterns (`/usr/bin/gcc*`) and prefix-only patterns (`/usr`),
 * which lose to the default for every longer string.
 */
import { checkPattern } from './read-rules.js';
import { ConfigIssues } from './config-issues.js';
import { escapeRegex } from './builtin-rules.js';
import { globHint, looksLikeGlob } from './pattern-lint.js';

/** A warning tied to one rule of the imported file. */
export interface ImportWarning {
  /** e.g. "path_patterns[3]" */
  readonly where: string;
  /** 1-based line in config.py where the pattern text appears (0 if not found) */
  readonly line: number;
  readonly message: string;
}

export interface ImportResult {
  readonly toml: string;
  readonly warnings: readonly ImportWarning[];
}

interface Translation {
  pattern: string;
  notes: string[];
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v', xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~',
};

/** Note for rules ending in "$": they are carried over commented out, as XALT never applied them. */
const NEVER_APPLIED = 'ends in "$": flex only matches "$" before a newline, so XALT never applied this rule; left commented out (uncomment to apply it)';

const TRAILING_CONTEXT = 'unescaped "/" is flex trailing context: XALT matched only the text before it and could decide differently; here it is a literal "/"';

/** Translate one flex pattern to xalt's syntax; notes say what changed meaning. */
export function translateFlexPattern(flex: string): Translation {
  const notes: string[] = [];
  let p = flex.startsWith('^') ? flex.slice(1) : flex;
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) {
      out += p[i + 1] === '/' ? '/' : p.slice(i, i + 2);
      i += 2;
    } else if (c === '"') {
      let lit = '';
      i++;
      while (i < p.length && p[i] !== '"') { if (p[i] === '\\' && i + 1 < p.length) i++; lit += p[i]; i++; }
      i++;
      out += escapeRegex(lit);
    } else if (c === '[') {
      const [cls, next] = readClass(p, i);
      out += cls;
      i = next;
    } else if (c === '/') {
      if (!notes.includes(TRAILING_CONTEXT)) notes.push(TRAILING_CONTEXT); // once per pattern, however many slashes
      out += '/';
      i++;
    } else if (c === '$' && i === p.length - 1) {
      notes.push(NEVER_APPLIED);
      out += '$';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  p = out;
  return { pattern: p, notes };
}

/** Copy a bracket expression, translating `\/` and POSIX classes; returns [text, next index]. */
function readClass(p: string, start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (p[i] === '^') { out += '^'; i++; }
  if (p[i] === ']') { out += '\\]'; i++; }
  while (i < p.length && p[i] !== ']') {
    const posix = /^\[:([a-z]+):\]/.exec(p.slice(i));
    if (posix && POSIX_CLASSES[posix[1]!]) { out += POSIX_CLASSES[posix[1]!]; i += posix[0].length; continue; }
    if (p[i] === '\\' && i + 1 < p.length) { out += p[i + 1] === '/' ? '/' : p.slice(i, i + 2); i += 2; continue; }
    out += p[i];
    i++;
  }
  return [`${out}]`, i + 1];
}

function isLiteral(pattern: string): boolean {
  return !/[.*+?()[\]{}|\\^$]/.test(pattern.replace(/\\[./-]/g, ''));
}

/** Where a pattern's text appears in the Python source (for warnings). */
function lineOfText(source: string, text: string): number {
  const at = source.indexOf(text);
  return at < 0 ? 0 : source.slice(0, at).split('\n').length;
}

function tomlString(s: string): string {
  return /['\n\r]/.test(s) || /[\x00-\x1f\x7f]/.test(s) ? JSON.stringify(s) : `'${s}'`;
}

type ListKind = 'hosts' | 'paths' | 'path_args' | 'env';

const LISTS: readonly { xalt: string; key: ListKind; actions: readonly string[] }[] = [
  { xalt: 'hostname_patterns', key: 'hosts', actions: ['KEEP', 'SKIP'] },
  { xalt: 'path_patterns', key: 'paths', actions: ['PKGS', 'KEEP', 'SKIP', 'CUSTOM'] },
  { xalt: 'path_arg_patterns', key: 'path_args', actions: ['PKGS', 'KEEP', 'SKIP', 'CONTINUE', 'JUMP_1', 'JUMP_2', 'JUMP_3', 'JUMP_4'] },
  { xalt: 'env_patterns', key: 'env', actions: ['KEEP', 'SKIP'] },
];

class Converter {
  readonly warnings: ImportWarning[] = [];
  readonly lines: string[] = [];
  private readonly probe = new ConfigIssues('import', new Map());
  constructor(private readonly source: string) {}

  warn(where: string, text: string, message: string): string {
    this.warnings.push({ where, line: lineOfText(this.source, text), message });
    return `  # WARNING: ${message}`;
  }

  /** Check the translated pattern compiles; returns an error text when it does not. */
  unsupported(pattern: string): string | undefined {
    const before = this.probe.errors.length;
    checkPattern(this.probe, 'p', pattern);
    return this.probe.errors.length > before ? this.probe.errors[this.probe.errors.length - 1]!.replace(/^import:1: p: /, '') : undefined;
  }

  list(xaltName: string, key: ListKind, actions: readonly string[], value: unknown): void {
    if (!Array.isArray(value)) return;
    this.lines.push(`${key} = [`);
    value.forEach((item, i) => this.rule(`${xaltName}[${i}]`, key, actions, item));
    this.lines.push(']');
  }

  private rule(where: string, key: ListKind, actions: readonly string[], item: unknown): void {
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string') {
      this.lines.push(this.warn(where, '', `not an [ACTION, REGEX] pair, left out: ${JSON.stringify(item)}`));
      return;
    }
    const [action, flex] = item as [string, string];
    if (!actions.includes(action)) {
      this.lines.push(this.warn(where, flex, `action ${JSON.stringify(action)} is not valid here (valid: ${actions.join(', ')}); rule left out`));
      return;
    }
    const t = translateFlexPattern(flex);
    const comments = t.notes.map((n) => this.warn(where, flex, `${tomlString(flex)}: ${n}`));
    if (looksLikeGlob(t.pattern)) {
      comments.push(this.warn(where, flex, `${tomlString(flex)} looks like a shell glob, but "*" repeats only the character before it (XALT read it the same way); kept as written — did you mean ${tomlString(globHint(t.pattern))}?`));
    } else if (key === 'paths' && isLiteral(t.pattern) && /^\/[^/]+(\/[^/.]+)?$/.test(t.pattern.replace(/\\/g, ''))) {
      comments.push(this.warn(where, flex, `${tomlString(flex)} matches only this exact path, not what is below it (in XALT too the default's longer match won there) — did you mean ${tomlString(`${t.pattern}/.*`)}?`));
    } else if (key === 'env' && !t.pattern.includes('=') && !t.pattern.endsWith('.*')) {
      comments.push(this.warn(where, flex, `${tomlString(flex)} is matched against "NAME=value" and cannot match any (neither could XALT's) — did you mean ${tomlString(`${t.pattern}=.*`)}?`));
    }
    const bad = this.unsupported(t.pattern);
    if (bad) {
      this.lines.push(...comments, this.warn(where, flex, `left out: ${bad}`), `  # [${tomlString(action)}, ${tomlString(t.pattern)}],`);
      return;
    }
    if (t.notes.includes(NEVER_APPLIED)) {
      this.lines.push(...comments, `  # [${tomlString(action)}, ${tomlString(t.pattern)}],`);
      return;
    }
    this.lines.push(...comments, `  [${tomlString(action)}, ${tomlString(t.pattern)}],`);
  }

  sampling(name: string, key: string, value: unknown): void {
    if (!Array.isArray(value)) return;
    const rows: [number, number][] = [];
    for (const [i, row] of value.entries()) {
      if (!Array.isArray(row) || typeof row[0] !== 'number' || typeof row[1] !== 'number') {
        this.lines.push(this.warn(`${name}[${i}]`, '', `not a [seconds, probability] row, left out: ${JSON.stringify(row)}`));
        continue;
      }
      if (row[0] >= 1e300) continue; // XALT's closing [sys.float_info.max, p] row
      const prev = rows[rows.length - 1];
      if (prev && row[0] <= prev[0]) {
        this.lines.push(this.warn(`${name}[${i}]`, '', `run time ${row[0]} does not increase; XALT used the later row from there, and so does this file`));
        rows[rows.length - 1] = [prev[0], row[1]];
        continue;
      }
      rows.push([row[0], row[1]]);
    }
    this.lines.push(`${key} = [${rows.map(([t, p]) => `[${t}, ${p}]`).join(', ')}]`);
  }

  preIngest(value: unknown): void {
    if (!Array.isArray(value)) return;
    this.lines.push('pre_ingest = [');
    value.forEach((item, i) => {
      const where = `pre_ingest_patterns[${i}]`;
      if (!Array.isArray(item) || typeof item[0] !== 'number' || typeof item[1] !== 'string') {
        this.lines.push(this.warn(where, '', `not a [probability, regex] pair, left out: ${JSON.stringify(item)}`));
        return;
      }
      const t = translateFlexPattern(item[1]);
      if (item[0] > 0 && item[0] < 1) {
        this.lines.push(this.warn(where, item[1], `probability ${item[0]}: XALT's scanner truncated it to 0 (nothing ingested); xalt ingests with probability ${item[0]}`));
      }
      this.lines.push(`  [${item[0]}, ${tomlString(t.pattern)}],`);
    });
    this.lines.push(']');
  }

  pythonPackages(value: unknown): void {
    if (!Array.isArray(value)) return;
    this.lines.push('# XALT matched these with re.match (a prefix match); translated to whole-string matches "(…).*"', 'python_packages = [');
    value.forEach((item, i) => {
      const where = `python_pkg_patterns[${i}]`;
      const d = item as Record<string, unknown>;
      if (typeof d !== 'object' || d === null || typeof d['patt'] !== 'string' || (d['k_s'] !== 'KEEP' && d['k_s'] !== 'SKIP') || (d['kind'] !== 'name' && d['kind'] !== 'path')) {
        this.lines.push(this.warn(where, '', `not a {'k_s': KEEP|SKIP, 'kind': name|path, 'patt': regex} entry, left out: ${JSON.stringify(item)}`));
        return;
      }
      const pattern = prefixToFull(d['patt']);
      const bad = this.unsupported(pattern);
      if (bad) {
        this.lines.push(this.warn(where, d['patt'], `left out: ${bad}`), `  # [${tomlString(d['k_s'])}, ${tomlString(d['kind'])}, ${tomlString(pattern)}],`);
        return;
      }
      this.lines.push(`  [${tomlString(d['k_s'])}, ${tomlString(d['kind'])}, ${tomlString(pattern)}],`);
    });
    this.lines.push(']');
  }
}

/** Python `re.match(p, s)` ≡ whole-string match of `(?:p).*` (a `$` at the end anchors instead). */
export function prefixToFull(p: string): string {
  const body = p.startsWith('^') ? p.slice(1) : p;
  if (/(^|[^\\])\$$/.test(body)) return body.slice(0, -1);
  if (body.endsWith('.*') && !body.includes('|')) return body;
  return hasTopLevelAlternation(body) ? `(?:${body}).*` : `${body}.*`;
}

/** Whether `a|b` alternation appears outside groups and classes (then `.*` needs a group). */
function hasTopLevelAlternation(p: string): boolean {
  let depth = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '[') { i++; if (p[i] === '^') i++; if (p[i] === ']') i++; while (i < p.length && p[i] !== ']') { if (p[i] === '\\') i++; i++; } }
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/**
 * Convert evaluated config.py values to xalt.toml text.
 * @example importXaltConfig({ path_patterns: [['SKIP', '^\\/usr\\/.*']] }, source, 'Delta_Config.py')
 */
export function importXaltConfig(values: Readonly<Record<string, unknown>>, source: string, fileName: string): ImportResult {
  const c = new Converter(source);
  const L = c.lines;
  L.push(`# xalt.toml converted by "xalt config import" from ${fileName}.`, '# Rules keep their order: the first rule whose regex matches the whole string decides.', '# "\\/" escapes were translated to "/" and flex "quoted" strings to escaped literals.', '');
  L.push('[syshost]', '# XALT set this with ./configure --with-syshostConfig; set it to what you used there.', 'kind = "strip_numbers"', '');
  L.push('[tracking]');
  if (typeof values['MPI_ALWAYS_RECORD'] === 'number') L.push(`mpi_always_record = ${Math.max(1, Math.floor(values['MPI_ALWAYS_RECORD']))}`);
  L.push('# XALT sampled only when XALT_SAMPLING=yes was set (usually in the modulefile); set true if yours did.', 'sampling = false', '');
  L.push('[sampling]');
  c.sampling('interval_array', 'scalar', values['interval_array']);
  c.sampling('mpi_interval_array', 'mpi', values['mpi_interval_array']);
  c.preIngest(values['pre_ingest_patterns']);
  L.push('', '[rules]');
  L.push('# XALT skipped every host no rule kept.', 'host_default = "SKIP"');
  for (const l of LISTS) c.list(l.xalt, l.key, l.actions, values[l.xalt]);
  c.pythonPackages(values['python_pkg_patterns']);
  if (values['pkg_patterns'] !== undefined) {
    L.push(c.warn('pkg_patterns', 'pkg_patterns', 'pkg_patterns (the C-side package filter) has no equivalent: xalt filters packages with python_packages only; left out'));
  }
  return { toml: `${L.join('\n')}\n`, warnings: c.warnings };
}
