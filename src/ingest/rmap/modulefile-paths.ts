/**
 * What a modulefile prepends to PATH, LD_LIBRARY_PATH and MODULEPATH, read without running it
 * (pure). Covers the forms real module trees use:
 *
 *   Lua: local base = "/opt/gcc/12"  ·  prepend_path("PATH", pathJoin(base, "bin"))
 *        append_path("LD_LIBRARY_PATH", base .. "/lib64")  ·  myModuleVersion()
 *   Tcl: set root /opt/gcc/12  ·  prepend-path PATH $root/bin  ·  append-path PATH ${root}/bin
 *
 * Anything it cannot evaluate (os.getenv, conditionals on the system) is skipped, not guessed.
 */

export type PathVar = 'PATH' | 'LD_LIBRARY_PATH' | 'MODULEPATH';
const WANTED = new Set<string>(['PATH', 'LD_LIBRARY_PATH', 'MODULEPATH']);

export interface ModulePath {
  readonly variable: PathVar;
  readonly dir: string;
}

/** The module being read: its full name (`gcc/12.2.0`) gives myModuleName/Version. */
export interface ModuleIdentity {
  readonly fullName: string;
}

type Token = { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== c) { v += src[j] === '\\' ? src[++j] ?? '' : src[j]; j++; }
      out.push({ t: 'str', v });
      i = j + 1;
    } else if (src.startsWith('[[', i)) {
      const j = src.indexOf(']]', i + 2);
      out.push({ t: 'str', v: src.slice(i + 2, j < 0 ? src.length : j) });
      i = j < 0 ? src.length : j + 2;
    } else if (src.startsWith('..', i)) {
      out.push({ t: 'op', v: '..' });
      i += 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      out.push({ t: 'op', v: c });
      i++;
    }
  }
  return out;
}

/** Evaluates Lua string expressions over known locals; undefined when it cannot. */
class LuaExpr {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly locals: Map<string, string>, private readonly mod: ModuleIdentity) {}

  get done(): boolean { return this.i >= this.toks.length; }

  peek(v: string): boolean { const t = this.toks[this.i]; return t !== undefined && t.t === 'op' && t.v === v; }

  expect(v: string): boolean { if (this.peek(v)) { this.i++; return true; } return false; }

  expr(): string | undefined {
    let v = this.term();
    while (this.expect('..')) {
      const r = this.term();
      v = v === undefined || r === undefined ? undefined : v + r;
    }
    return v;
  }

  private call(name: string): string | undefined {
    const args: (string | undefined)[] = [];
    if (!this.expect(')')) {
      do args.push(this.expr()); while (this.expect(','));
      if (!this.expect(')')) return undefined;
    }
    if (name === 'pathJoin') return args.every((a) => a !== undefined) ? (args as string[]).join('/').replace(/\/+/g, '/') : undefined;
    if (name === 'myModuleVersion') return this.mod.fullName.split('/').slice(1).join('/');
    if (name === 'myModuleName') return this.mod.fullName.split('/')[0];
    if (name === 'myModuleFullName') return this.mod.fullName;
    return undefined;
  }

  private term(): string | undefined {
    const t = this.toks[this.i++];
    if (!t) return undefined;
    if (t.t === 'str') return t.v;
    if (t.t === 'id') {
      if (this.expect('(')) return this.call(t.v);
      return this.locals.get(t.v);
    }
    if (t.v === '(') { const v = this.expr(); return this.expect(')') ? v : undefined; }
    return undefined;
  }
}

/** Split Lua source into statements per line (modulefiles are line oriented in practice). */
function luaStatements(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/--.*$/, '').trim()).filter(Boolean);
}

/** Paths a Lua modulefile prepends or appends. */
export function luaModulePaths(text: string, mod: ModuleIdentity): ModulePath[] {
  const locals = new Map<string, string>();
  const out: ModulePath[] = [];
  for (const line of luaStatements(text)) {
    const local = /^(?:local\s+)?([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(line);
    if (local && !line.startsWith('if') && !/^[A-Za-z_]\w*\s*\(/.test(line)) {
      const v = new LuaExpr(tokenize(local[2]!), locals, mod).expr();
      if (v !== undefined) locals.set(local[1]!, v);
      continue;
    }
    const call = /^(prepend_path|append_path)\s*\((.*)\)\s*;?$/.exec(line);
    if (!call) continue;
    const e = new LuaExpr(tokenize(call[2]!), locals, mod);
    const variable = e.expr();
    if (variable === undefined || !WANTED.has(variable) || !e.expect(',')) continue;
    const value = e.expr();
    if (value) for (const dir of value.split(':')) if (dir.startsWith('/')) out.push({ variable: variable as PathVar, dir });
  }
  return out;
}

function tclWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|\{([^}]*)\}|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

/** Paths a Tcl modulefile prepends or appends. */
export function tclModulePaths(text: string, mod: ModuleIdentity): ModulePath[] {
  const vars = new Map<string, string>([['ModulesCurrentModulefile', ''], ['ModuleVersion', mod.fullName.split('/').slice(1).join('/')]]);
  const subst = (s: string): string | undefined => {
    let ok = true;
    const v = s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
      const x = vars.get(a ?? b ?? '');
      if (x === undefined) ok = false;
      return x ?? '';
    });
    return ok && !v.includes('[') ? v : undefined;
  };
  const out: ModulePath[] = [];
  for (const raw of text.split('\n')) {
    const w = tclWords(raw.replace(/^\s*#.*$/, '').trim());
    if (w[0] === 'set' && w.length >= 3) {
      const v = subst(w[2]!);
      if (v !== undefined) vars.set(w[1]!, v);
    } else if ((w[0] === 'prepend-path' || w[0] === 'append-path') && w.length >= 3) {
      const args: string[] = [];
      for (let i = 1; i < w.length; i++) {
        if (w[i] === '--delim' || w[i] === '-d') i++; // its value is not a path
        else if (!w[i]!.startsWith('-')) args.push(w[i]!);
      }
      const variable = args[0];
      if (!variable || !WANTED.has(variable)) continue;
      for (const a of args.slice(1)) {
        const v = subst(a);
        if (v) for (const dir of v.split(':')) if (dir.startsWith('/')) out.push({ variable: variable as PathVar, dir });
      }
    }
  }
  return out;
}

/** Read a modulefile of either language (`#%Module` marks Tcl). */
export function modulePaths(text: string, mod: ModuleIdentity, isLua: boolean): ModulePath[] {
  return isLua ? luaModulePaths(text, mod) : tclModulePaths(text, mod);
}
