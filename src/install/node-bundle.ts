/**
 * The `xalt` command as `xalt install` lays it out under `PREFIX/lib/xalt`: the compiled
 * JavaScript (dist/src), the launcher script, package.json, the example config (xalt's
 * built-in defaults), the native and Python sources (`xalt build` and `xalt demo` from an
 * installed xalt), and only the node_modules it runs with — the closure of package.json's
 * `dependencies`, a native addon reduced to its JavaScript and compiled `.node` file. After
 * install, the build checkout can be moved or deleted: nothing under PREFIX points back at it.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { putDir, putFile, type InstallLog } from './install-files.js';

/** What of the checkout goes into the install, relative to its root (directories are copied whole). */
const PARTS = ['bin/xalt', 'bin/package.json', 'package.json', 'package-lock.json', 'etc/xalt.example.toml', 'dist/src', 'python/xalt_hook', 'native'] as const;

/** Names never copied: build output, caches, tests. */
const SKIP = new Set(['build', '__pycache__', 'tests', 'node_modules', '.bin']);

/** Copy the tree `from` to `to` (regular files and directories; symlinks are not followed). */
function copyTree(log: InstallLog, from: string, to: string, skip: (name: string, path: string) => boolean = (n) => SKIP.has(n)): void {
  const st = lstatSync(from);
  if (st.isFile()) {
    putFile(log, to, readFileSync(from), (st.mode & 0o111) !== 0 ? 0o755 : 0o644);
    return;
  }
  if (!st.isDirectory()) return;
  putDir(log, to);
  for (const name of readdirSync(from).sort()) {
    const path = join(from, name);
    if (skip(name, path)) continue;
    copyTree(log, path, join(to, name), skip);
  }
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/** Where Node would find package `name` required from the package in `from` (under `root`). */
function resolvePackage(root: string, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

/**
 * The packages `root`'s package.json needs at run time, each as its directory: the closure of
 * `dependencies` (and installed `optionalDependencies`).
 */
export function runtimePackages(root: string): string[] {
  const found = new Set<string>();
  const queue: [from: string, name: string][] = [];
  const enqueue = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push([dir, name]);
  };
  enqueue(root);
  while (queue.length > 0) {
    const [from, name] = queue.shift()!;
    const dir = resolvePackage(root, from, name);
    if (dir === undefined) {
      if (from === root) throw new Error(`the runtime dependency ${name} is not installed in ${root}/node_modules (run "npm ci")`);
      continue; // an optional dependency of a dependency that this platform did not install
    }
    if (found.has(dir)) continue;
    found.add(dir);
    enqueue(dir);
  }
  return [...found].sort();
}

/** A native addon (node-gyp): only what loads at run time. */
function copyAddon(log: InstallLog, from: string, to: string): void {
  putDir(log, to);
  for (const name of readdirSync(from)) {
    if (name === 'package.json' || /^LICEN[CS]E/i.test(name)) copyTree(log, join(from, name), join(to, name));
  }
  if (existsSync(join(from, 'lib'))) copyTree(log, join(from, 'lib'), join(to, 'lib'));
  const release = join(from, 'build', 'Release');
  if (!existsSync(release)) throw new Error(`${from} has no compiled addon in build/Release (run "npm ci")`);
  putDir(log, join(to, 'build', 'Release'));
  for (const name of readdirSync(release).filter((n) => n.endsWith('.node'))) copyTree(log, join(release, name), join(to, 'build', 'Release', name));
}

/** Lay out the `xalt` command from the checkout `root` under `dest` (PREFIX/lib/xalt). */
export function installNodeBundle(log: InstallLog, root: string, dest: string): void {
  putDir(log, dest);
  for (const part of PARTS) {
    const from = join(root, part);
    if (!existsSync(from)) {
      if (part === 'package-lock.json') continue;
      throw new Error(`${from} is missing: build xalt first ("npm ci" runs the build)`);
    }
    putDir(log, dirname(join(dest, part)));
    copyTree(log, from, join(dest, part));
  }
  const modules = realpathSync(join(root, 'node_modules'));
  for (const dir of runtimePackages(root)) {
    const rel = relative(modules, realpathSync(dir));
    const to = join(dest, 'node_modules', rel);
    putDir(log, dirname(to));
    if (existsSync(join(dir, 'binding.gyp'))) copyAddon(log, dir, to);
    else copyTree(log, dir, to, (name) => name === 'node_modules' || name === '.bin'); // nested ones are packages of their own
  }
}
