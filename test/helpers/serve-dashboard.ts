/** Start a real `xalt serve` on a free port, as a user would, for the dashboard tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { xaltBin } from './run-xalt.js';

/** Start `xalt serve --port 0 ARGS…`; resolves with the process and the URL (with its token) it prints. */
export function serveDashboard(args: readonly string[]): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, [xaltBin, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XALT_DASHBOARD_TOKEN: '' } });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /dashboard on (http:\S+)/.exec(err);
      if (m) resolve({ child, url: new URL(m[1]!) });
    });
    child.on('exit', (code) => reject(new Error(`xalt serve exited ${code}: ${err}`)));
  });
}
