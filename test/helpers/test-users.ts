/**
 * Unprivileged users for tests that play the parts of a cluster's users (the attacker, the
 * victim): created once with useradd (no home, no login), reused by later runs. Needs root.
 */
import { spawnSync } from 'node:child_process';

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

/** The user `name` (e.g. "xalt-alice"), created if missing. Throws when it cannot be made. */
export function testUser(name: string): TestUser {
  const have = lookup(name);
  if (have) return have;
  const r = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', name], { encoding: 'utf8' });
  const made = lookup(name);
  if (!made) throw new Error(`cannot create test user ${name}: ${r.stderr.trim()}`);
  return made;
}

/** True when this process may create users and run programs as them. */
export const canSwitchUsers = process.getuid?.() === 0;
