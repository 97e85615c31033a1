/**
 * The last step of `npm run build`: packs the compiled command (dist/src, ES modules) into
 * CommonJS, dist/src/cli/xalt.cjs (the modules `xalt find` on SQLite loads) and
 * dist/src/cli/xalt.rest.cjs (the others, read when first needed), and writes a V8 code cache
 * of xalt.cjs beside it (xalt.cjs.cache). bin/xalt runs the pack: on Node 20 (no compile cache
 * for ES modules) a command then starts without the ES-module loader, without reading and
 * compiling its ~45 modules one by one, and with its functions' compiled code read from the
 * cache — about 45 ms less CPU for every `xalt find` (docs/find.md).
 *
 * The pack is the same code: each module is the compiler's own CommonJS translation of its
 * compiled ES module (TypeScript's transpileModule), kept in a table and evaluated when first
 * required, as Node would. `import.meta.url` becomes the URL of the ES module the code came
 * from, so paths made from it (the package root, the ingest worker) name the same files.
 * better-sqlite3's JavaScript is packed too; the other packages (smol-toml, mysql2, pg) and
 * every compiled addon load from node_modules as usual.
 *
 * The pack records the time of the TypeScript build it was made from (dist/.tsbuildinfo):
 * after a later `tsc` bin/xalt runs the ES modules instead, never stale code.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const distSrc = join(root, 'dist', 'src');
export const PACK = join(distSrc, 'cli', 'xalt.cjs');
/** the rest of the pack, relative to dist/src */
const REST_ID = 'cli/xalt.rest.cjs';

/**
 * Where the pack starts: the command's entry, and the modules imported through a specifier
 * held in a variable (the scan below only sees literal ones): src/ingest/ingest-settings.ts
 * imports the config this way.
 */
const ENTRIES = ['cli/main.js', 'config/index.js'];

/**
 * Packages whose JavaScript goes into the pack too: better-sqlite3's 13 small CommonJS files
 * cost ~7 ms of every command through Node's module loader (resolving, reading, wrapping
 * each). Its compiled addon still loads from node_modules (src/db/sqlite/sqlite-store.ts
 * names it). The others load from node_modules when a command needs them.
 */
const PACKED_PACKAGES = ['better-sqlite3'];

/** One compiled ES module as CommonJS; `import.meta.url` read from the module's wrapper. */
function toCommonJs(id: string, esm: string): string {
  const text = esm.replace(/^\/\/# sourceMappingURL=.*$/m, '').replaceAll('import.meta.url', '__importMetaUrl');
  const out = ts.transpileModule(text, {
    fileName: id,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, noEmitHelpers: true, removeComments: true },
  });
  const problems = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length) throw new Error(`bundle-cli: ${id}: ${problems.join('; ')}`);
  if (hasImportLeft(ts.createSourceFile(id, out.outputText, ts.ScriptTarget.ES2022))) throw new Error(`bundle-cli: ${id}: an import() or import.meta the pack cannot translate is left`);
  return ascii(id, out.outputText);
}

/**
 * The code with every non-ASCII character written as a `\uXXXX` escape, the same value in a
 * string, template, regular expression, identifier or comment: the pack is then ASCII, which
 * bin/xalt reads as latin1 into a one-byte string (decoding 660 KiB of UTF-8 cost ~2 ms of
 * every command). Not so in a tagged template's raw text: the build stops on such code.
 */
function ascii(id: string, js: string): string {
  if (!/[^\x00-\x7f]/.test(js)) return js;
  if (hasTaggedNonAscii(ts.createSourceFile(id, js, ts.ScriptTarget.ES2022, true))) throw new Error(`bundle-cli: ${id}: a tagged template holds non-ASCII text, which the pack cannot escape`);
  return js.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function hasTaggedNonAscii(node: ts.Node): boolean {
  if (ts.isTaggedTemplateExpression(node) && /[^\x00-\x7f]/.test(node.template.getFullText())) return true;
  return ts.forEachChild(node, hasTaggedNonAscii) ?? false;
}

/** Whether code still holds an `import(…)` or `import.meta` (a CommonJS function cannot run those). */
function hasImportLeft(node: ts.Node): boolean {
  if (ts.isMetaProperty(node) || (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)) return true;
  return ts.forEachChild(node, hasImportLeft) ?? false;
}

/** The specifiers of a module's literal requires (its static and dynamic imports alike). */
const requires = (js: string): string[] => [...js.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]!);

/** Modules reachable from the entries: ids relative to dist/src ('cli/main.js'). */
function collect(): Map<string, string> {
  const mods = new Map<string, string>();
  const queue = [...ENTRIES];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (mods.has(id)) continue;
    const js = toCommonJs(id, readFileSync(join(distSrc, id), 'utf8'));
    mods.set(id, js);
    for (const spec of requires(js)) if (spec.startsWith('.')) queue.push(posix.join(posix.dirname(id), spec));
  }
  return mods;
}

/**
 * A CommonJS package's files reachable from its main file, as they are, under ids
 * 'node_modules/NAME/…'; and the id of its main file. Its requires of other packages stay
 * requires of node_modules.
 */
function collectPackage(name: string, into: Map<string, string>): string {
  const main = createRequire(PACK).resolve(name);
  let dir = dirname(main);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const idOf = (file: string) => `node_modules/${name}/${relative(dir, file).split(sep).join('/')}`;
  const queue = [main];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (into.has(idOf(file))) continue;
    const js = readFileSync(file, 'utf8');
    into.set(idOf(file), ascii(file, js));
    for (const spec of requires(js)) {
      if (!spec.startsWith('.')) continue;
      const target = [spec, `${spec}.js`, `${spec}/index.js`].map((s) => resolve(dirname(file), s)).find((f) => existsSync(f) && statSync(f).isFile());
      if (!target) throw new Error(`bundle-cli: ${file}: cannot find ${spec}`);
      queue.push(target);
    }
  }
  return idOf(main);
}

/**
 * The helpers TypeScript's CommonJS output calls, once for the whole pack (noEmitHelpers):
 * the same behaviour as the copies it would put in every module.
 */
const HELPERS = `var __createBinding = function (o, m, k, k2) { if (k2 === undefined) k2 = k; var desc = Object.getOwnPropertyDescriptor(m, k); if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) desc = { enumerable: true, get: function () { return m[k]; } }; Object.defineProperty(o, k2, desc); };
var __setModuleDefault = function (o, v) { Object.defineProperty(o, "default", { enumerable: true, value: v }); };
var __importStar = function (mod) { if (mod && mod.__esModule) return mod; var result = {}; if (mod != null) for (var k = Object.getOwnPropertyNames(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]); __setModuleDefault(result, mod); return result; };
var __importDefault = function (mod) { return (mod && mod.__esModule) ? mod : { "default": mod }; };
var __exportStar = function (m, exports) { for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p); };`;

/** A module table entry: the module's code as a function of what CommonJS gives a module. */
const entry = (id: string, js: string) => `${JSON.stringify(id)}: function (exports, require, module, __importMetaUrl) {\n${js}\n}`;

/**
 * The pack's text: one expression, a function of (require for packages, URL of dist/src/)
 * returning `load(id)`, which evaluates module `id` (e.g. 'cli/main.js') once and returns its
 * exports. It holds the modules in `core`; the others are in REST, read the first time one of
 * them is required.
 */
function packText(core: ReadonlyMap<string, string>, all: ReadonlySet<string>, packages: Readonly<Record<string, string>>, stamp: string): string {
  return `// xalt: dist/src packed by scripts/bundle-cli.ts from the TypeScript build of ${stamp} (dist/.tsbuildinfo mtime); do not edit.
(function (requirePackage, distSrcUrl) {
${HELPERS}
const defs = {
${[...core].map(([id, js]) => entry(id, js)).join(',\n')}
};
const ids = new Set(${JSON.stringify([...all])});
let restRead = false;
function defOf(id) {
  if (!defs[id] && ids.has(id) && !restRead) {
    restRead = true;
    const file = requirePackage('node:url').fileURLToPath(distSrcUrl + ${JSON.stringify(REST_ID)});
    const text = requirePackage('node:fs').readFileSync(file, 'latin1');
    const rest = new (requirePackage('node:vm').Script)(text, { filename: file }).runInThisContext();
    Object.assign(defs, rest(__createBinding, __setModuleDefault, __importStar, __importDefault, __exportStar));
  }
  return defs[id];
}
const packages = ${JSON.stringify(packages)};
const loaded = new Map();
function resolve(from, spec) {
  const parts = from.split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.') parts.push(p);
  }
  const id = parts.join('/');
  return ids.has(id) ? id : ids.has(id + '.js') ? id + '.js' : id + '/index.js';
}
// XALT_TRACE_MODULES=FILE: every module the command loads, one URL or path a line (test/cli/command-loading.test.ts)
const traceFile = process.env.XALT_TRACE_MODULES;
const trace = traceFile ? (what) => requirePackage('node:fs').appendFileSync(traceFile, what + '\\n') : undefined;
function requireFrom(id, spec) {
  if (spec[0] === '.') return load(resolve(id, spec));
  if (packages[spec]) return load(packages[spec]);
  if (trace && !requirePackage('node:module').isBuiltin(spec)) trace(requirePackage.resolve(spec));
  return requirePackage(spec);
}
function load(id) {
  const done = loaded.get(id);
  if (done) return done.exports;
  if (trace) trace(id.startsWith('node_modules/') ? id : distSrcUrl + id);
  const def = defOf(id);
  if (!def) throw Object.assign(new Error('xalt: module ' + id + ' is not in the packed command (dist/src/cli/xalt.cjs)'), { code: 'ERR_MODULE_NOT_FOUND' });
  const module = { exports: {} };
  loaded.set(id, module);
  def.call(module.exports, module.exports, (spec) => requireFrom(id, spec), module, distSrcUrl + id);
  return module.exports;
}
return load;
})
`;
}

/** The rest of the pack: a function of the helpers returning the table of the other modules. */
function restText(rest: ReadonlyMap<string, string>, stamp: string): string {
  return `// xalt: the modules of dist/src/cli/xalt.cjs that \`xalt find\` on SQLite does not load, from the TypeScript build of ${stamp}; do not edit.
(function (__createBinding, __setModuleDefault, __importStar, __importDefault, __exportStar) {
return {
${[...rest].map(([id, js]) => entry(id, js)).join(',\n')}
};
})
`;
}

/** The mtime of the TypeScript build, as the pack records it and bin/xalt compares it. */
export function tsBuildStamp(): string {
  return String(statSync(join(root, 'dist', '.tsbuildinfo')).mtimeMs);
}

const nowhere = () => new Writable({ write: (_chunk, _enc, done) => done() });

type Load = (id: string) => unknown;

/** Evaluate a pack's text as bin/xalt does; its `load`. */
function evaluate(script: vm.Script): Load {
  const outer = script.runInThisContext() as (req: NodeJS.Require, url: string) => Load;
  return outer(createRequire(PACK), pathToFileURL(distSrc).href + '/');
}

/**
 * Run the pack's `xalt find` a few times on an empty SQLite store, in this process, as users
 * search: by user, job and uuid, as text and JSON.
 */
async function warmUp(load: Load): Promise<void> {
  const cli = load('cli/main.js') as { runCli(argv: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> };
  const work = mkdtempSync(join(tmpdir(), 'xalt-bundle-'));
  try {
    const db = join(work, 'warm.db');
    // made by the ES modules, so that the pack runs no migration code
    const { openStore } = await import('../src/db/open-store.js');
    await (await openStore(db)).close();
    for (const args of [['--user', 'nobody'], ['--job', '1'], ['--uuid', '0123'], ['--user', 'nobody', '--json']]) {
      await cli.runCli(['find', '--db', db, ...args], nowhere(), nowhere());
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The ids of the modules a warm-up loads, found by running it in a pack of every module. */
async function modulesFindLoads(mods: ReadonlyMap<string, string>, packages: Readonly<Record<string, string>>): Promise<Set<string>> {
  const work = mkdtempSync(join(tmpdir(), 'xalt-bundle-trace-'));
  const log = join(work, 'loaded.txt');
  const before = process.env['XALT_TRACE_MODULES'];
  process.env['XALT_TRACE_MODULES'] = log; // read when the pack is evaluated
  try {
    await warmUp(evaluate(new vm.Script(packText(mods, new Set(mods.keys()), packages, ''), { filename: PACK })));
    const prefix = pathToFileURL(distSrc).href + '/';
    return new Set(readFileSync(log, 'utf8').split('\n').map((l) => (l.startsWith(prefix) ? l.slice(prefix.length) : l)).filter((id) => mods.has(id)));
  } finally {
    if (before === undefined) delete process.env['XALT_TRACE_MODULES'];
    else process.env['XALT_TRACE_MODULES'] = before;
    rmSync(work, { recursive: true, force: true });
  }
}

/** Write `file` whole or not at all: a command starting meanwhile reads the old one or the new. */
function writeAtomically(file: string, data: string | Uint8Array): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

/**
 * Pack the modules: those `xalt find` on SQLite loads (found by running it) in xalt.cjs, the
 * others in xalt.rest.cjs — a search reads ~220 KiB instead of ~660 (a third of a cold `xalt
 * --version` went to reading them). Then save V8's compiled code of xalt.cjs after a warm-up
 * in this process: the cache holds the functions a search compiles, not just the top level.
 * Produced by the Node that builds, which is the Node that runs the command; a cache from
 * another Node or other V8 flags is rejected by V8 and the pack compiles as usual.
 */
async function main(): Promise<void> {
  const stamp = tsBuildStamp();
  const mods = collect();
  const packages = Object.fromEntries(PACKED_PACKAGES.map((name) => [name, collectPackage(name, mods)]));
  const used = await modulesFindLoads(mods, packages);
  const core = new Map([...mods].filter(([id]) => used.has(id)));
  const text = packText(core, new Set(mods.keys()), packages, stamp);
  const rest = restText(new Map([...mods].filter(([id]) => !used.has(id))), stamp);
  if (/[^\x00-\x7f]/.test(text + rest)) throw new Error('bundle-cli: the pack is not ASCII; bin/xalt reads it as latin1');
  rmSync(`${PACK}.cache`, { force: true }); // never the old cache beside the new pack
  writeAtomically(join(distSrc, REST_ID), rest);
  writeAtomically(PACK, text);
  const script = new vm.Script(text, { filename: PACK });
  await warmUp(evaluate(script));
  writeAtomically(`${PACK}.cache`, script.createCachedData());
  process.stdout.write(`bundle-cli: ${mods.size} modules → dist/src/cli/xalt.cjs (the ${core.size} xalt find loads, ${Math.round(text.length / 1024)} KiB) with its code cache, and xalt.rest.cjs (${Math.round(rest.length / 1024)} KiB)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
