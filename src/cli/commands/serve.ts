/** `xalt serve`: the read-only dashboard, until interrupted. */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, constants as fs } from 'node:fs';
import { isLoopback, MIN_TOKEN_LENGTH, startDashboard } from '../../web/dashboard-server.js';
import { stringOption, type CommandArgs } from '../command-args.js';
import { ExitCode, RuntimeError, UserError } from '../../errors.js';
import { openReadStore } from '../../db/read-store.js';

/**
 * The token in `file`: a regular file of this account's (or root's) that no one else may
 * read or write, its first line. Anything else is refused: a token others can read is no
 * credential.
 */
function tokenFromFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, fs.O_RDONLY | fs.O_NOFOLLOW | fs.O_NONBLOCK);
  } catch (err) {
    throw new UserError('XALT_DASHBOARD_TOKEN_FILE', `--token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'create it with: (umask 077; openssl rand -hex 24 > FILE)');
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.() ?? 0;
    if (!st.isFile()) throw new UserError('XALT_DASHBOARD_TOKEN_FILE', `--token-file ${file}: not a regular file`);
    if (st.uid !== uid && st.uid !== 0) throw new UserError('XALT_DASHBOARD_TOKEN_FILE', `--token-file ${file}: owned by uid ${st.uid}, not by you or root`);
    if ((st.mode & 0o077) !== 0) throw new UserError('XALT_DASHBOARD_TOKEN_FILE', `--token-file ${file}: mode ${(st.mode & 0o777).toString(8)} lets other accounts read or change it`, `chmod 600 ${file}`);
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const token = buf.subarray(0, n).toString('utf8').split('\n')[0]!.trim();
    if (token.length < MIN_TOKEN_LENGTH) throw new UserError('XALT_DASHBOARD_TOKEN_FILE', `--token-file ${file}: the token on its first line is shorter than ${MIN_TOKEN_LENGTH} characters`);
    return token;
  } finally {
    closeSync(fd);
  }
}

/** The token given by --token, $XALT_DASHBOARD_TOKEN or --token-file, if any. */
function givenToken(args: CommandArgs): string | undefined {
  const file = stringOption(args, 'token-file');
  const token = file ? tokenFromFile(file) : stringOption(args, 'token') || process.env['XALT_DASHBOARD_TOKEN'] || undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new UserError('XALT_DASHBOARD_NO_TOKEN', `the dashboard token is shorter than ${MIN_TOKEN_LENGTH} characters`, 'use a longer one, e.g. openssl rand -hex 24');
  }
  return token;
}

export async function run(args: CommandArgs): Promise<number> {
  const host = stringOption(args, 'bind') ?? '127.0.0.1';
  const portText = stringOption(args, 'port') ?? '8780';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('XALT_USAGE', `--port ${JSON.stringify(portText)}: expected a port number 0-65535`, 'for example --port 8780');
  const given = givenToken(args);
  if (!isLoopback(host) && !given) {
    throw new UserError('XALT_DASHBOARD_NO_TOKEN', `binding the dashboard to ${host} needs a token: anyone who can reach it could read every user's runs`, 'pass --token-file FILE or set $XALT_DASHBOARD_TOKEN (or bind to 127.0.0.1)');
  }
  // On loopback without one, a fresh token, printed once (as Jupyter does): every local
  // account can reach 127.0.0.1, so even there the dashboard is never open.
  const token = given ?? randomBytes(24).toString('base64url');
  const store = await openReadStore(stringOption(args, 'db'), stringOption(args, 'config'));
  let started;
  try {
    started = await startDashboard({ store, host, port, token });
  } catch (err) {
    await store.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') throw new RuntimeError('XALT_DASHBOARD_BIND', `cannot listen on ${host}:${port}: ${e.code}`, 'choose another --port or --bind');
    throw err;
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  args.stderr.write(`xalt: dashboard on http://${shown}:${started.port}/?token=${encodeURIComponent(token)} (read-only; Ctrl-C stops it)\n`);
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
