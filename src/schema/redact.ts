/**
 * Secrets in command lines and environment values, replaced before anything is stored
 * (pure). The collector applies the same rules in C (native/src/redact.c) before a record is
 * written; ingest applies them again, so records from writers that do not (XALT's own, an
 * older xalt) are scrubbed too. A differential test runs both on the same inputs.
 *
 * Rules, for each word of an argument (its runs of non-blank characters: a shell's `-c` script
 * is one argument holding many words) or of a `NAME=value` environment entry:
 * 1. `--NAME=VALUE`, `-NAME=VALUE`, `NAME=VALUE` and `NAME:VALUE` after dashes: VALUE is
 *    replaced when NAME contains a secret word (any letter case);
 * 2. `--NAME` or `-NAME` alone whose NAME contains a secret word: the *next* word (in the same
 *    argument or the next) is replaced whole;
 * 3. `scheme://user:password@host`: the password is replaced, anywhere in the argument.
 */

/** What replaces a secret. */
export const REDACTED = '<redacted>';

/** Words that make an option or variable name secret (the `[privacy] redact_words` default). */
export const DEFAULT_REDACT_WORDS: readonly string[] = Object.freeze([
  'password', 'passwd', 'passphrase', 'pwd', 'token', 'secret', 'apikey', 'api-key', 'api_key',
  'accesskey', 'access-key', 'access_key', 'private-key', 'private_key', 'credential',
]);

/** Name characters of an option or variable (what may stand before `=`). */
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const URL_USERINFO = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/ \t\n\v\f\r:@]*):([^/ \t\n\v\f\r@]*)@/g; // ASCII white space, as the C bytes see it

function hasWord(name: string, words: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return words.some((w) => lower.includes(w));
}

/** Length of the name at the start of `s` after its dashes, and the dash count. */
function nameAt(s: string): { dashes: number; end: number } {
  let dashes = 0;
  while (dashes < 2 && s[dashes] === '-') dashes++;
  let end = dashes;
  while (end < s.length && NAME_CHAR.test(s[end]!)) end++;
  return { dashes, end };
}

/** Rules 1 and 3 for one word; `redactNext` (rule 2) says whether the next word is a secret. */
export function redactWord(s: string, words: readonly string[] = DEFAULT_REDACT_WORDS): { text: string; redactNext: boolean } {
  const { dashes, end } = nameAt(s);
  const name = s.slice(dashes, end);
  if (end > dashes && hasWord(name, words)) {
    const sep = s[end];
    if (sep === '=' || (sep === ':' && dashes > 0)) return { text: end + 1 < s.length ? `${s.slice(0, end + 1)}${REDACTED}` : s, redactNext: false };
    if (end === s.length && dashes > 0) return { text: s, redactNext: true };
  }
  return { text: s.includes('://') ? s.replace(URL_USERINFO, `$1:${REDACTED}@`) : s, redactNext: false };
}

const BLANKS = /([ \t\n\v\f\r]+)/; // ASCII white space, as the C bytes see it

/** Can no rule apply to `arg`? No option, no assignment, no URL in it (most arguments: cheap to tell). */
function plainArg(arg: string): boolean {
  return arg[0] !== '-' && !arg.includes('=') && !arg.includes('://') && !/[ \t\n\v\f\r]-/.test(arg);
}

/** One argument with its secrets replaced; `next` carries rule 2 in and out. */
function redactArg(arg: string, next: boolean, words: readonly string[]): { text: string; next: boolean } {
  if (arg === '') return next ? { text: REDACTED, next: false } : { text: arg, next };
  if (!next && plainArg(arg)) return { text: arg, next };
  const parts = arg.split(BLANKS); // words at even indices, the blanks between them at odd ones
  for (let i = 0; i < parts.length; i += 2) {
    if (parts[i] === '') continue;
    if (next) { parts[i] = REDACTED; next = false; continue; }
    const r = redactWord(parts[i]!, words);
    parts[i] = r.text;
    next = r.redactNext;
  }
  return { text: parts.join(''), next };
}

/** An argv with every secret replaced. */
export function redactArgv(argv: readonly string[], words: readonly string[] = DEFAULT_REDACT_WORDS): string[] {
  const out: string[] = [];
  let next = false;
  for (const a of argv) {
    const r = redactArg(a, next, words);
    out.push(r.text);
    next = r.next;
  }
  return out;
}

/** An environment value with URL credentials replaced (a secret *name* is never recorded at all). */
export function redactEnvValue(value: string): string {
  return value.includes('://') ? value.replace(URL_USERINFO, `$1:${REDACTED}@`) : value;
}
