/**
 * uid → user name, for the owner check. Node has no getpwuid: read /etc/passwd once, and ask
 * `getent passwd` (LDAP/SSSD sites) for a uid it does not list, once per uid.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class UserNames {
  private readonly names = new Map<number, string>();

  constructor(passwdFile = '/etc/passwd') {
    try {
      for (const line of readFileSync(passwdFile, 'utf8').split('\n')) {
        const f = line.split(':');
        if (f.length >= 3 && f[0] && /^\d+$/.test(f[2]!)) {
          const uid = Number(f[2]);
          if (!this.names.has(uid)) this.names.set(uid, f[0]);
        }
      }
    } catch {
      // no passwd file (a container): getent or the numeric uid
    }
  }

  /** The user name of `uid`, or the uid as a string when it has none. */
  nameOf(uid: number): string {
    let name = this.names.get(uid);
    if (name === undefined) {
      name = String(uid);
      try {
        const out = execFileSync('getent', ['passwd', String(uid)], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
        const first = out.split(':')[0];
        if (first) name = first;
      } catch {
        // unknown uid: keep the number
      }
      this.names.set(uid, name);
    }
    return name;
  }
}
