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

/** The user `name`, created with a home directory and bash as login shell if missing. */
export function ensureUser(name: string): TestUser {
  const found = lookup(name);
  if (found) return found;
  const r = spawnSync('useradd', ['--create-home', '--shell', '/bin/bash', name], { encoding: 'utf8' });
  const made = lookup(name);
  if (!made) throw new Error(`useradd ${name} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return made;
}
