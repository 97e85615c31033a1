/**
 * setuid, setgid and capability programs (issue 13 item 4): the kernel starts them in
 * secure-execution mode (AT_SECURE), with the environment of the user who ran them. The
 * collector must do nothing in them — no staging file, no directory, no trace line — so
 * that environment can never steer where a privileged process writes. Played for real: a
 * setuid-root copy of a small program, run by an unprivileged user, with the collector
 * preloaded the only way the loader allows in secure mode (a setuid library in a system
 * library directory, named without a slash).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildLib, buildLibFromToml, compile, listFiles, scratch, testUser } from './harness.js';

const SYSTEM_LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib/aarch64-linux-gnu'];
const systemLibDir = SYSTEM_LIB_DIRS.find((d) => existsSync(join(d, 'libc.so.6')));

/** The collector as secure-mode preloading accepts it: in a system directory, setuid, root's. */
function installSetuidLib(lib: string, tag: string): string {
  const p = join(systemLibDir!, `libxalt-test-${tag}-${process.pid}.so`);
  copyFileSync(lib, p);
  chmodSync(p, 0o4755);
  process.on('exit', () => rmSync(p, { force: true }));
  return p;
}

test('a setuid-root program run by a user is never tracked: no file, no directory, no trace line', { skip: (process.getuid!() !== 0 || !systemLibDir) ? 'needs root and a system library directory' : buildLib().includes(' ') && 'a sanitizer runtime is preloaded: secure mode loads only setuid libraries from system directories' }, (t) => {
  const user = testUser();
  const dir = scratch('setuid');
  chmodSync(dir, 0o755);
  const setuid = join(dir, 'probe-setuid'), plain = join(dir, 'probe-plain');
  for (const p of [setuid, plain]) copyFileSync(compile('secure_probe'), p);
  chownSync(setuid, 0, 0);
  chmodSync(setuid, 0o4755);
  chmodSync(plain, 0o755);
  for (const [transport, built] of [['ship', buildLib()], ['direct', buildLibFromToml()]] as const) {
    const installed = installSetuidLib(built, transport);
    t.after(() => rmSync(installed, { force: true }));
    // Everything the user's environment points at lives in directories the user owns.
    const own = join(dir, `user-${transport}`);
    const home = join(own, 'home'), staging = join(own, 'staging'), spool = join(own, 'spool');
    for (const d of [own, home, staging, spool]) { mkdirSync(d); chownSync(d, user.uid, user.gid); }
    const env = {
      PATH: '/usr/bin:/bin', HOME: home, USER: 'mallory', XALT_EXECUTABLE_TRACKING: 'yes', XALT_TRACING: 'yes',
      XALT_TMPDIR: staging, XALT_FILE_PREFIX: transport === 'direct' ? 'USE_HOME' : spool, XALT_SAMPLING: 'no',
    };
    const as = (prog: string, preload: string) => spawnSync(prog, [], { env: { ...env, LD_PRELOAD: preload }, uid: user.uid, gid: user.gid, encoding: 'utf8' });

    const secure = as(setuid, basename(installed));
    assert.equal(secure.stdout, 'mapped=1 secure=1\n', `${transport}: the collector is loaded into the setuid process`);
    assert.equal(secure.stderr, '', `${transport}: not even a trace line`);
    assert.deepEqual(listFiles(own), [], `${transport}: nothing written or created where the user pointed`);

    // The same program without the setuid bit, run by the same user: tracked.
    const normal = as(plain, installed);
    assert.equal(normal.stdout, 'mapped=1 secure=0\n');
    assert.match(normal.stderr, /^xalt: tracking /m);
    const written = listFiles(own);
    if (transport === 'ship') assert.ok(written.some((p) => p.startsWith(`${staging}/xalt_run.${user.uid}.`)), written.join(' '));
    else assert.ok(written.some((p) => p.startsWith(`${home}/.xalt.d/run.`)), written.join(' '));
  }
});
