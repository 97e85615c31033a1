/** Run the built `xalt` command as a child process, as a user would. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sharedObjEnv } from './native-objects.js';

/** The repository root (tests run from dist/test/...). */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const xaltBin = `${repoRoot}bin/xalt`;

export interface XaltResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run `xalt args…`; never throws on a non-zero exit. */
export function runXalt(args: readonly string[], options: SpawnSyncOptions = {}): XaltResult {
  const r = spawnSync(process.execPath, [xaltBin, ...args], { encoding: 'utf8', timeout: 120_000, ...options, env: { ...sharedObjEnv(), NO_COLOR: '1', ...options.env } });
  return { status: r.status ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
