/** Unprivileged users for the cluster tests: with a home and a login shell (jobs go through `su - name`). */
import { testUser, type TestUser } from '../helpers/test-users.js';

export type { TestUser };

/** The user `name`, created if missing with a home directory and bash as login shell. */
export function ensureUser(name: string): TestUser {
  return testUser(name, { login: true });
}
