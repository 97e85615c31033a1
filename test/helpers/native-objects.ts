/**
 * The suite's C builds share one object directory: the objects that do not depend on the
 * site config are compiled once (by whichever test gets there first) and each site-config
 * variant compiles only its site_config.c and links (native/Makefile, XALT_OBJ).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The default build's object directory (`make -C native` puts its objects there). */
export const SHARED_OBJ = join(ROOT, 'native', 'build', 'obj');

/**
 * `env` (default: this process's environment) with the shared object directory, for a
 * `make -C native` or `xalt build` child process.
 * @example execFileSync(process.execPath, [xalt, 'build', '-c', toml, '--out', dir], { env: sharedObjEnv() })
 */
export function sharedObjEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, XALT_OBJ: SHARED_OBJ };
}
