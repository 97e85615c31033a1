/**
 * Key → line locator over TOML text. smol-toml gives values but no positions, and every
 * validation message must name the line, so this scans the text once and records the line
 * where each key, array element and nested element begins: `rules.paths`, `rules.paths[3]`,
 * `rules.paths[3][1]`. It assumes the text already parsed (smol-toml reports syntax errors);
 * on anything odd it just records less, and callers fall back to the nearest parent key.
 */

/** Map from key path to 1-based line. */
export type LineMap = ReadonlyMap<string, number>;

class Scanner {
  pos = 0;
  line = 1;
  readonly lines = new Map<string, number>();
  constructor(readonly text: string) {}

  peek(): string { return this.text[this.pos] ?? ''; }
  next(): string {
    const c = this.text[this.pos++] ?? '';
    if (c === '\n') this.line++;
    return c;
  }
  startsWith(s: string): boolean { return this.text.startsWith(s, this.pos); }

  /** Skip spaces, tabs, comments and (when `newlines`) line breaks. */
  skipBlank(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.next();
      else if (c === '#') while (this.pos < this.text.length && this.peek() !== '\n') this.next();
      else return;
    }
  }

  record(path: string): void {
    if (!this.lines.has(path)) this.lines.set(path, this.line);
  }
}

/** Lines of every key and array element in `text`. */
export function locateKeys(text: string): LineMap {
  const s = new Scanner(text);
  let table: string[] = [];
  const arrayTableCount = new Map<string, number>();
  while (s.pos < text.length) {
    s.skipBlank(true);
    if (s.pos >= text.length) break;
    if (s.peek() === '[') {
      const isArray = s.startsWith('[[');
      s.next(); if (isArray) s.next();
      const keys = readKeyPath(s);
      let name = keys.join('.');
      if (isArray) {
        const n = arrayTableCount.get(name) ?? 0;
        arrayTableCount.set(name, n + 1);
        s.record(name);
        name = `${name}[${n}]`;
      }
      s.record(name);
      table = [name];
      skipToLineEnd(s);
      continue;
    }
    const keys = readKeyPath(s);
    if (keys.length === 0) { skipToLineEnd(s); continue; }
    const path = [...table, ...keys].filter((k) => k !== '').join('.');
    s.record(path);
    s.skipBlank(false);
    if (s.peek() === '=') s.next();
    s.skipBlank(false);
    readValue(s, path);
    skipToLineEnd(s);
  }
  return s.lines;
}

function skipToLineEnd(s: Scanner): void {
  while (s.pos < s.text.length && s.peek() !== '\n') s.next();
}

/** Read `a.b."c d"` up to `=` or `]`; returns the parts. */
function readKeyPath(s: Scanner): string[] {
  const parts: string[] = [];
  for (;;) {
    s.skipBlank(false);
    const c = s.peek();
    if (c === '"' || c === "'") parts.push(readString(s));
    else {
      let k = '';
      while (/[A-Za-z0-9_-]/.test(s.peek())) k += s.next();
      if (k === '') break;
      parts.push(k);
    }
    s.skipBlank(false);
    if (s.peek() === '.') { s.next(); continue; }
    break;
  }
  s.skipBlank(false);
  if (s.startsWith(']]')) { s.next(); s.next(); } else if (s.peek() === ']') s.next();
  return parts;
}

/** Read any TOML string form and return its (roughly unescaped) content. */
function readString(s: Scanner): string {
  const q = s.peek();
  const triple = s.startsWith(q.repeat(3));
  const close = triple ? q.repeat(3) : q;
  for (let i = 0; i < close.length; i++) s.next();
  let out = '';
  while (s.pos < s.text.length && !s.startsWith(close)) {
    const c = s.next();
    if (c === '\\' && q === '"') out += s.next();
    else if (c === '\n' && !triple) break;
    else out += c;
  }
  for (let i = 0; i < close.length && s.pos < s.text.length; i++) s.next();
  return out;
}

function readValue(s: Scanner, path: string): void {
  const c = s.peek();
  if (c === '"' || c === "'") { readString(s); return; }
  if (c === '[') { readArray(s, path); return; }
  if (c === '{') { readInlineTable(s, path); return; }
  while (s.pos < s.text.length && !/[,\]}\n#]/.test(s.peek())) s.next();
}

function readArray(s: Scanner, path: string): void {
  s.next();
  let index = 0;
  for (;;) {
    s.skipBlank(true);
    if (s.pos >= s.text.length) return;
    if (s.peek() === ']') { s.next(); return; }
    if (s.peek() === ',') { s.next(); continue; }
    const at = s.pos;
    s.record(`${path}[${index}]`);
    readValue(s, `${path}[${index}]`);
    index++;
    if (s.pos === at) s.next(); // never loop on text we do not understand
  }
}

function readInlineTable(s: Scanner, path: string): void {
  s.next();
  for (;;) {
    s.skipBlank(true);
    if (s.pos >= s.text.length) return;
    if (s.peek() === '}') { s.next(); return; }
    if (s.peek() === ',') { s.next(); continue; }
    const keys = readKeyPath(s);
    if (keys.length === 0) { s.next(); continue; }
    const p = `${path}.${keys.join('.')}`;
    s.record(p);
    s.skipBlank(false);
    if (s.peek() === '=') s.next();
    s.skipBlank(false);
    readValue(s, p);
  }
}

/** Line of `path`, or of its nearest located parent (`a.b[3][1]` → `a.b[3]` → `a.b` → `a`), else 0. */
export function lineOf(lines: LineMap, path: string): number {
  let p = path;
  for (;;) {
    const l = lines.get(p);
    if (l !== undefined) return l;
    const cut = Math.max(p.lastIndexOf('['), p.lastIndexOf('.'));
    if (cut <= 0) return 0;
    p = p.slice(0, cut);
  }
}
