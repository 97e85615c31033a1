/**
 * Unprivileged accounts for tests that play other users (as root): created when missing and
 * left in place, so later runs find them. Test files run in parallel and may add users at the
 * same moment; useradd then fails on the lock of /etc/passwd, so it is tried again.
 */
import { spawnSync } from 'node:child_process';

/** A user created for the tests. */
export interface TestUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

function lookup(name: string): TestUser | undefined {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const f = r.stdout.trim().split(':');
  return { name, uid: Number(f[2]), gid: Number(f[3]) };
}

/**
 * The user `name`, created if missing: by default with no home and no login shell; with
 * `login`, with a home directory and bash (jobs submitted through `su - name` start there).
 * @example const alice = testUser('xship_alice'); spawnSync(cmd, { uid: alice.uid, gid: alice.gid })
 */
export function testUser(name: string, opts: { readonly login?: boolean } = {}): TestUser {
  const how = opts.login ? ['--create-home', '--shell', '/bin/bash'] : ['--no-create-home', '--shell', '/usr/sbin/nologin'];
  let why = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const found = lookup(name);
    if (found) return found;
    const r = spawnSync('useradd', [...how, '--user-group', name], { encoding: 'utf8' });
    why = `exit ${r.status}: ${r.stderr.trim()}`;
    if (r.status !== 0) spawnSync('sleep', ['0.2']);
  }
  throw new Error(`useradd ${name} failed (${why})`);
}
