/**
 * `xalt serve`: a read-only dashboard over the store. Every page is a report or a find the
 * CLI can produce (same modules, no SQL here), rendered with the CLI's renderers, plus what a
 * browser needs on top: the opening period (the store's last 30 days of data), links from every
 * name to its runs and users (dashboard-links.ts), find in pages, a users view of a find, and a
 * report beside the previous period (period-comparison.ts).
 *
 * Safety: GET/HEAD only; bound to 127.0.0.1 unless told otherwise; every request must carry
 * the token, on loopback too — any account on the host (or anyone holding an `ssh -L`
 * tunnel to it) can connect there (`Authorization: Bearer`, or `?token=` once, which sets an
 * HttpOnly cookie); strict CSP, no script on any page.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Format } from '../document/document.js';
import { FORMATS } from '../document/document.js';
import { renderRunsDocument, renderRunsJson, runBlock } from '../query/found-runs-document.js';
import { renderDocument } from '../document/render-document.js';
import { escapeXml } from '../document/svg-charts.js';
import { UserError } from '../errors.js';
import type { Store } from '../db/store.js';
import { findInStore } from '../query/find-in-store.js';
import { buildReport } from '../report/build-report.js';
import { htmlTable } from '../document/html-page.js';
import { storeSpan } from '../db/store-info.js';
import { findUsers, findUsersDocument } from '../query/find-users.js';
import { boundText, findHref, reportScope, runLinks } from './dashboard-links.js';
import { findOffset, findOptionsFromQuery, findView, openingPeriod, reportSpecFromQuery } from './dashboard-params.js';
import { errorPage, findPage, pageLinks, reportPage, storeSpanLine } from './dashboard-pages.js';
import { compareWithPrevious, previousSpec } from './period-comparison.js';

export interface DashboardOptions {
  readonly store: Store;
  /** required from every client, even on loopback: any local account could connect */
  readonly token: string;
  /** clock, epoch seconds (tests pin it) */
  readonly now?: () => number;
}

const COOKIE = 'xalt_dashboard_token';
const TYPES: Readonly<Record<Format, string>> = {
  table: 'text/plain; charset=utf-8', csv: 'text/csv; charset=utf-8', tsv: 'text/tab-separated-values; charset=utf-8',
  json: 'application/json', ndjson: 'application/x-ndjson', md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8',
};

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'", ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function redirect(res: ServerResponse, location: string, extra: Record<string, string> = {}): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', ...extra });
  res.end();
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token the request carries, from the header, the query or the cookie. */
function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
  if (!cookie) return undefined;
  try {
    return decodeURIComponent(cookie.slice(COOKIE.length + 1));
  } catch {
    throw new UserError('XALT_USAGE', `cookie ${COOKIE}: not valid percent-encoding`, 'clear the cookie and open the URL xalt serve printed');
  }
}

function formatOf(url: URL): Format {
  const f = url.searchParams.get('format') ?? 'html';
  if (!(FORMATS as readonly string[]).includes(f)) throw new UserError('XALT_USAGE', `format ${f}: not one of ${FORMATS.join(', ')}`);
  return f as Format;
}

const clock = (o: DashboardOptions) => (o.now ?? (() => Date.now() / 1000))();

async function reportRoute(o: DashboardOptions, kind: string, url: URL, res: ServerResponse): Promise<void> {
  const q = url.searchParams;
  const format = formatOf(url);
  const span = await storeSpan(o.store);
  if (format === 'html' && !q.get('since') && !q.get('until') && span.last !== null) {
    // no period asked for: open on the last 30 days that hold data, named in the URL
    const period = openingPeriod(span.last);
    const p = new URLSearchParams(q);
    p.set('since', period.since);
    p.set('until', period.until);
    redirect(res, `${url.pathname}?${p.toString()}`);
    return;
  }
  const spec = reportSpecFromQuery(kind, q, clock(o));
  let doc = await buildReport(o.store, spec, clock(o));
  if (q.get('compare')) {
    const before = previousSpec(spec);
    doc = compareWithPrevious(doc, await buildReport(o.store, before, clock(o)), `${boundText(before.since)} to ${boundText(before.until)}`);
  }
  const page = () => reportPage(kind, doc, q, { span: storeSpanLine(kind, span, q), scope: reportScope(spec.since, spec.until, q) });
  send(res, 200, TYPES[format], format === 'html' ? page() : renderDocument(doc, format));
}

/** The find filters of `q` without the page and view: what a user's row keeps when it links to their runs. */
function filterParams(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) if (v && !['page', 'view', 'format', 'token', 'limit'].includes(k)) out[k] = v;
  return out;
}

/** Users the users view lists: enough for any executable or module, bounded for a page. */
const USERS_SHOWN = 500;

async function findUsersRoute(o: DashboardOptions, q: URLSearchParams, format: Format, res: ServerResponse): Promise<void> {
  const opts = findOptionsFromQuery(q, clock(o));
  const found = await findUsers(o.store, opts.filter, USERS_SHOWN);
  const doc = findUsersDocument(found.rows, 'Users of the matching runs');
  const status = found.rows.length ? 200 : 404;
  if (format !== 'html') {
    send(res, status, TYPES[format], renderDocument(doc, format));
    return;
  }
  const keep = filterParams(q);
  const body = htmlTable(doc.tables[0]!, (_t, c, _r, text) => (c.key === 'user' ? `<a href="${escapeXml(findHref({ ...keep, user: text }, {}))}">${escapeXml(text)}</a>` : undefined));
  const note = `<p class="note">${found.rows.length} user(s)${found.truncated ? ', more match: narrow the filter' : ''}; runs as recorded (not weighted by sampling). Each user links to their runs.</p>`;
  send(res, status, TYPES.html, findPage(q, found.rows.length ? note + body : '<p>No runs matched.</p>'));
}

async function findRoute(o: DashboardOptions, url: URL, res: ServerResponse): Promise<void> {
  const q = url.searchParams;
  const asked = [...q.keys()].some((k) => !['format', 'token', 'view', 'page', 'limit'].includes(k) && q.get(k));
  const format = formatOf(url);
  if (!asked) {
    send(res, 200, TYPES.html, findPage(q, '<p class="note">Give at least one filter.</p>'));
    return;
  }
  if (findView(q) === 'users') {
    await findUsersRoute(o, q, format, res);
    return;
  }
  const opts = findOptionsFromQuery(q, clock(o));
  const offset = findOffset(q, opts.limit);
  const result = await findInStore(o.store, opts.filter, opts.limit, offset);
  if (format === 'json') send(res, result.runs.length ? 200 : 404, TYPES.json, renderRunsJson(result.runs, result.truncated, result.flaggedLeftOut));
  else if (format !== 'html') send(res, result.runs.length ? 200 : 404, TYPES[format], renderDocument(renderRunsDocument(result.runs), format));
  else {
    const leftOut = result.flaggedLeftOut ?? 0;
    const scope = Object.fromEntries(['since', 'until', 'syshost', 'include-flagged'].filter((k) => q.get(k)).map((k) => [k, q.get(k)!]));
    // flagged runs stand out: a red rule beside the block, and [FLAGGED …] on its first line
    const blocks = result.runs.map((r) => `${runLinks(r, scope)}<pre class="runs${r.flagged ? ' flagged' : ''}">${escapeXml(runBlock(r, q.get('verbose') !== null))}</pre>`).join('');
    const hidden = leftOut ? `<p class="flagged">${leftOut} flagged run(s) also matched and are not shown: tick "include flagged".</p>` : '';
    const pages = pageLinks(q, offset, result.runs.length, result.truncated);
    const body = result.runs.length
      ? `${pages}${hidden}${blocks}${pages}`
      : `<p>No runs matched${offset ? ' on this page' : ''}.</p>${hidden}`;
    send(res, result.runs.length ? 200 : 404, TYPES.html, findPage(q, body));
  }
}

async function route(o: DashboardOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, TYPES.html, errorPage(405, 'The dashboard is read-only.'), { allow: 'GET, HEAD' });
    return;
  }
  const t = presentedToken(req, url);
  if (t === undefined || !same(t, o.token)) {
    send(res, 401, TYPES.html, errorPage(401, 'A dashboard token is required.', 'open the URL xalt serve printed (it carries ?token=), or send Authorization: Bearer <token>'), { 'www-authenticate': 'Bearer' });
    return;
  }
  if (url.searchParams.has('token')) {
    // trade the token in the URL for a cookie, so it leaves the address bar and history
    url.searchParams.delete('token');
    redirect(res, `${url.pathname}${url.search}`, { 'set-cookie': `${COOKIE}=${encodeURIComponent(t)}; HttpOnly; SameSite=Strict; Path=/` });
    return;
  }
  if (url.pathname === '/' || url.pathname === '/report' || url.pathname === '/report/') {
    redirect(res, `/report/overview${url.search}`);
    return;
  }
  const m = /^\/report\/([a-z]+)$/.exec(url.pathname);
  if (m) await reportRoute(o, m[1]!, url, res);
  else if (url.pathname === '/find') await findRoute(o, url, res);
  else send(res, 404, TYPES.html, errorPage(404, `No page ${url.pathname}.`, 'start at /report/overview'));
}

/** The request handler (exported for tests that drive it without a socket). */
export function dashboardHandler(o: DashboardOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(o, req, res).catch((err: unknown) => {
      if (res.headersSent) { res.end(); return; }
      if (err instanceof UserError) send(res, 400, TYPES.html, errorPage(400, err.message, err.hint));
      else send(res, 500, TYPES.html, errorPage(500, 'Internal error; see the server log.'));
      if (!(err instanceof UserError)) process.emitWarning(`xalt serve: ${(err as Error).stack ?? String(err)}`);
    });
  };
}

/** Shorter tokens are refused: they could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Start listening; resolves with the server and the port actually bound. */
export function startDashboard(o: DashboardOptions & { host: string; port: number }): Promise<{ server: Server; port: number }> {
  if (o.token.length < MIN_TOKEN_LENGTH) {
    throw new UserError('XALT_DASHBOARD_NO_TOKEN', `the dashboard needs a token of at least ${MIN_TOKEN_LENGTH} characters: every account on this host could read every user's runs`, 'pass --token-file FILE, or let xalt serve make one');
  }
  const server = createServer(dashboardHandler(o));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : o.port });
    });
  });
}
