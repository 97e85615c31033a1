/** Unprivileged users for the cluster tests: created when missing (as root), left in place. */
import { spawnSync } from 'node:child_process';

export interface TestUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

function lookup(name: string): TestUser | null {
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const f = r.stdout.trim().split(':');
  return { name, uid: Number(f[2]), gid: Number(f[3]) };
}

/**
 * The user `name`, created if missing with a home directory and bash as login shell (jobs are
 * submitted through `su - name`, and Slurm starts them in the home directory).
 */
export function ensureUser(name: string): TestUser {
  let why = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const found = lookup(name);
    if (found) return found;
    // another test process adding a user holds the lock on /etc/passwd: try again
    const r = spawnSync('useradd', ['--create-home', '--shell', '/bin/bash', name], { encoding: 'utf8' });
    why = `exit ${r.status}: ${r.stderr.trim()}`;
    if (r.status !== 0) spawnSync('sleep', ['0.5']);
  }
  throw new Error(`useradd ${name} failed (${why})`);
}
