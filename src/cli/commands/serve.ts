/** `xalt serve`: the read-only dashboard, until interrupted. */
import { isLoopback, startDashboard } from '../../web/dashboard-server.js';
import { stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../errors.js';
import { openReadStore } from './read-store.js';

export async function run(args: CommandArgs): Promise<number> {
  const host = stringOption(args, 'bind') ?? '127.0.0.1';
  const portText = stringOption(args, 'port') ?? '8780';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('XALT_USAGE', `--port ${JSON.stringify(portText)}: expected a port number 0-65535`, 'for example --port 8780');
  const token = stringOption(args, 'token') || process.env['XALT_DASHBOARD_TOKEN'] || undefined;
  if (!isLoopback(host) && !token) {
    throw new UserError('XALT_DASHBOARD_NO_TOKEN', `binding the dashboard to ${host} needs a token: anyone who can reach it could read every user's runs`, 'pass --token TOKEN or set $XALT_DASHBOARD_TOKEN (or bind to 127.0.0.1)');
  }
  const store = await openReadStore(stringOption(args, 'db'), stringOption(args, 'config'));
  let started;
  try {
    started = await startDashboard({ store, host, port, ...(token ? { token } : {}) });
  } catch (err) {
    await store.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') throw new RuntimeError('XALT_DASHBOARD_BIND', `cannot listen on ${host}:${port}: ${e.code}`, 'choose another --port or --bind');
    throw err;
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  args.stderr.write(`xalt: dashboard on http://${shown}:${started.port}/${token ? `?token=${encodeURIComponent(token)}` : ''} (read-only; Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const closed = new Promise<void>((resolve) => started.server.close(() => resolve()));
  started.server.closeAllConnections();
  await closed;
  await store.close();
  return ExitCode.ok;
}
