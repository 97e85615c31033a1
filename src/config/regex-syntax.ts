/**
 * The regex subset the compiled matcher supports, parsed into a small AST over bytes:
 * literals, escapes (incl. `\/`), `.`, classes with ranges and negation, `\d \w \s` (and
 * negations), `* + ? {m} {m,} {m,n}` (lazy forms accepted: under whole-string matching they
 * mean the same), `|`, groups `( )` and `(?: )`, a leading `^` and trailing `$` on a
 * top-level alternative. Anything else (back-references, look-around, word boundaries,
 * anchors in the middle) is rejected with a message, because the collector's automaton
 * could not honour it. Semantics follow JavaScript's RegExp (no flags) over a string whose
 * characters are the bytes of the input, which is what the reference matcher uses.
 */

/** A set of bytes as 256 booleans packed in 8 words. */
export type ByteSet = Uint32Array;

export type RegexNode =
  | { readonly t: 'set'; readonly set: ByteSet }
  | { readonly t: 'cat'; readonly items: readonly RegexNode[] }
  | { readonly t: 'alt'; readonly items: readonly RegexNode[] }
  | { readonly t: 'rep'; readonly node: RegexNode; readonly min: number; readonly max: number };

/** Largest `{m,n}` bound accepted; bigger ones blow up the automaton for no real use. */
export const MAX_REPEAT = 255;

export class RegexSyntaxError extends Error {}

export function emptySet(): ByteSet { return new Uint32Array(8); }
export function setHas(s: ByteSet, b: number): boolean { return ((s[b >> 5]! >>> (b & 31)) & 1) === 1; }
export function setAdd(s: ByteSet, b: number): void { s[b >> 5]! |= 1 << (b & 31); }
function setRange(s: ByteSet, lo: number, hi: number): void { for (let b = lo; b <= hi; b++) setAdd(s, b); }
function setUnion(a: ByteSet, b: ByteSet): void { for (let i = 0; i < 8; i++) a[i]! |= b[i]!; }
function setNegate(a: ByteSet): ByteSet { const r = emptySet(); for (let i = 0; i < 8; i++) r[i] = ~a[i]! >>> 0; return r; }

function single(b: number): ByteSet { const s = emptySet(); setAdd(s, b); return s; }

/** `.`: any byte but line feed and carriage return (JavaScript without the `s` flag). */
function dotSet(): ByteSet { const s = setNegate(emptySet()); s[0]! &= ~((1 << 10) | (1 << 13)); return s; }

function classEscape(c: string): ByteSet | undefined {
  const s = emptySet();
  switch (c) {
    case 'd': setRange(s, 48, 57); return s;
    case 'w': setRange(s, 48, 57); setRange(s, 65, 90); setRange(s, 97, 122); setAdd(s, 95); return s;
    // JS \s over Latin-1 code units: tab, LF, VT, FF, CR, space, NBSP
    case 's': for (const b of [9, 10, 11, 12, 13, 32, 0xa0]) setAdd(s, b); return s;
    case 'D': case 'W': case 'S': return setNegate(classEscape(c.toLowerCase())!);
    default: return undefined;
  }
}

const CONTROL_ESCAPES: Readonly<Record<string, number>> = { t: 9, n: 10, v: 11, f: 12, r: 13, '0': 0 };

/**
 * Parse `pattern` (already turned into one character per byte, see `toByteString`).
 * @throws RegexSyntaxError naming what is unsupported and where
 * @example parseRegex('\\/usr\\/bin\\/(gcc|g\\+\\+)[0-9-]*')
 */
export function parseRegex(pattern: string): RegexNode {
  return new Parser(pattern).parseTop();
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  private fail(what: string): never {
    throw new RegexSyntaxError(`${what} at offset ${this.pos}`);
  }

  parseTop(): RegexNode {
    const node = this.parseAlt();
    if (this.pos < this.src.length) this.fail(`unmatched ")"`);
    return node;
  }

  private parseAlt(): RegexNode {
    const items = [this.parseCat()];
    while (this.src[this.pos] === '|') { this.pos++; items.push(this.parseCat()); }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private parseCat(): RegexNode {
    const items: RegexNode[] = [];
    if (this.src[this.pos] === '^') {
      if (this.depth > 0) this.fail('"^" inside a group is not supported (only at the start of the pattern)');
      this.pos++;
    }
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '$') {
        const nextC = this.src[this.pos + 1];
        if (this.depth > 0 || (nextC !== undefined && nextC !== '|')) this.fail('"$" is only supported at the end of the pattern');
        this.pos++;
        break;
      }
      if (c === '^') this.fail('"^" is only supported at the start of the pattern');
      items.push(this.parseQuantified(this.parseAtom()));
    }
    return items.length === 1 ? items[0]! : { t: 'cat', items };
  }

  private parseQuantified(atom: RegexNode): RegexNode {
    let node = atom;
    let quantified = false;
    for (;;) {
      const q = this.readQuantifier();
      if (!q) return node;
      if (quantified) this.fail('nothing to repeat');
      quantified = true;
      node = { t: 'rep', node, min: q[0], max: q[1] };
      if (this.src[this.pos] === '?') this.pos++; // lazy: same language under whole-string matching
    }
  }

  private readQuantifier(): [number, number] | undefined {
    const c = this.src[this.pos];
    if (c === '*') { this.pos++; return [0, Infinity]; }
    if (c === '+') { this.pos++; return [1, Infinity]; }
    if (c === '?') { this.pos++; return [0, 1]; }
    if (c !== '{') return undefined;
    // JS (without the u flag) reads "{" as a literal unless it forms a complete {m}, {m,} or {m,n}
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (max < min) this.fail(`numbers out of order in {${m[1]}${m[2]}}`);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`repeat count above ${MAX_REPEAT}`);
    this.pos += m[0].length;
    return [min, max];
  }

  private parseAtom(): RegexNode {
    const c = this.src[this.pos]!;
    if (c === '*' || c === '+' || c === '?') this.fail('nothing to repeat');
    if (c === '{' && this.readQuantifierLookahead()) this.fail('nothing to repeat');
    if (c === '(') return this.parseGroup();
    if (c === '[') return { t: 'set', set: this.parseClass() };
    if (c === '.') { this.pos++; return { t: 'set', set: dotSet() }; }
    if (c === '\\') return { t: 'set', set: this.parseEscape(false) };
    this.pos++;
    return { t: 'set', set: single(c.charCodeAt(0)) };
  }

  private readQuantifierLookahead(): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.src.slice(this.pos));
  }

  private parseGroup(): RegexNode {
    this.pos++;
    if (this.src[this.pos] === '?') {
      if (this.src[this.pos + 1] !== ':') this.fail('look-around and named groups are not supported');
      this.pos += 2;
    }
    this.depth++;
    const node = this.parseAlt();
    this.depth--;
    if (this.src[this.pos] !== ')') this.fail('missing ")"');
    this.pos++;
    return node;
  }

  /** An escape after `\`; inside a class `\b` etc. are still refused for clarity. */
  private parseEscape(inClass: boolean): ByteSet {
    this.pos++;
    const c = this.src[this.pos];
    if (c === undefined) this.fail('"\\" at end of pattern');
    this.pos++;
    const cls = classEscape(c);
    if (cls) return cls;
    if (c in CONTROL_ESCAPES) {
      if (c === '0' && /[0-9]/.test(this.src[this.pos] ?? '')) this.fail('octal escapes are not supported');
      return single(CONTROL_ESCAPES[c]!);
    }
    if (c === 'x') {
      const hex = this.src.slice(this.pos, this.pos + 2);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) this.fail('"\\x" needs two hex digits');
      this.pos += 2;
      return single(parseInt(hex, 16));
    }
    if (/[A-Za-z0-9]/.test(c)) {
      this.pos--;
      this.fail(`escape "\\${c}" is not supported${inClass ? ' in a class' : ''} (back-references, \\b, \\p, \\u, \\c are not)`);
    }
    return single(c.charCodeAt(0)); // identity escape: \/ \. \\ \- \* ...
  }

  private parseClass(): ByteSet {
    this.pos++;
    let negate = false;
    if (this.src[this.pos] === '^') { negate = true; this.pos++; }
    if (this.src[this.pos] === ']') this.fail(negate ? '"[^]" is not supported (write ".")' : '"[]" matches nothing in JavaScript (write "\\]" for a literal "]")');
    const set = emptySet();
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('missing "]"');
      if (c === ']') { this.pos++; break; }
      const lo = this.classAtom();
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.src[this.pos + 1] !== undefined) {
        this.pos++;
        const hi = this.classAtom();
        if (typeof lo !== 'number' || typeof hi !== 'number') this.fail('a range cannot start or end with a class escape such as \\d');
        if (hi < lo) this.fail('range out of order in character class');
        setRange(set, lo, hi);
      } else if (typeof lo === 'number') setAdd(set, lo);
      else setUnion(set, lo);
    }
    return negate ? setNegate(set) : set;
  }

  /** One class member: a byte, or a set for `\d`-style escapes. */
  private classAtom(): number | ByteSet {
    const c = this.src[this.pos]!;
    if (c.charCodeAt(0) > 0x7f) this.fail('non-ASCII characters inside [...] are not supported');
    if (c !== '\\') { this.pos++; return c.charCodeAt(0); }
    if (this.src[this.pos + 1] === 'b') this.fail('"\\b" inside a class is not supported');
    const isClass = /[dwsDWS]/.test(this.src[this.pos + 1] ?? '');
    const s = this.parseEscape(true);
    if (isClass) return s;
    for (let b = 0; b < 256; b++) if (setHas(s, b)) return b;
    return s;
  }
}

/** The string whose characters are the UTF-8 bytes of `s` (each char code 0..255). */
export function toByteString(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}
