/**
 * Where the dashboard's tables lead: an executable to its runs and its users, a module to its
 * users and its runs, a user to their runs, a job to its runs, a package to the runs that
 * imported it. Every link is a `/find` URL scoped to the page's period and cluster, so the
 * runs behind a number are one click away. Links carry no credential: the dashboard's cookie
 * (or the client's Authorization header) does.
 */
import { isoUtc } from '../document/format-cell.js';
import { escapeXml } from '../document/svg-charts.js';
import type { FoundRun } from '../query/found-run.js';
import { slurmJobName } from '../query/job-spec.js';

/** The scope a link keeps: find's period, cluster and flagged-run parameters. */
export type LinkScope = Readonly<Record<string, string>>;

/** A time as find's `since`/`until` take it: the date alone at midnight UTC. */
export function boundText(epochSeconds: number): string {
  const iso = isoUtc(epochSeconds);
  return iso.endsWith('T00:00:00Z') ? iso.slice(0, 10) : iso;
}

/** The find scope of a report page: its period, cluster and whether flagged runs count. */
export function reportScope(since: number, until: number, q: URLSearchParams): LinkScope {
  const scope: Record<string, string> = { since: boundText(since), until: boundText(until) };
  const host = q.get('syshost');
  if (host) scope['syshost'] = host;
  if (q.get('include-flagged')) scope['include-flagged'] = '1';
  return scope;
}

/** `/find?…` with `what` first, then the scope. */
export function findHref(what: Readonly<Record<string, string>>, scope: LinkScope): string {
  return `/find?${new URLSearchParams({ ...what, ...scope }).toString()}`;
}

function a(href: string, text: string, cls?: string): string {
  return `<a href="${escapeXml(href)}"${cls ? ` class="${cls}"` : ''}>${escapeXml(text)}</a>`;
}

/** Links for a label cell of a report table, by the column's key; undefined for other cells. */
export function labelLinks(key: string, value: string, scope: LinkScope): string | undefined {
  if (value === '') return undefined;
  switch (key) {
    case 'executable':
      return `${a(findHref({ exec: value }, scope), value)} ${a(findHref({ exec: value, view: 'users' }, scope), 'users', 'also')}`;
    case 'module':
      return `${a(findHref({ module: value, view: 'users' }, scope), value)} ${a(findHref({ module: value }, scope), 'runs', 'also')}`;
    case 'user':
      return a(findHref({ user: value }, scope), value);
    case 'account':
      return `${a(findHref({ account: value }, scope), value)} ${a(findHref({ account: value, view: 'users' }, scope), 'users', 'also')}`;
    case 'package':
      return `${a(findHref({ package: value }, scope), value)} ${a(findHref({ package: value, view: 'users' }, scope), 'users', 'also')}`;
    default:
      return undefined;
  }
}

/** The line of links above a run on the find page: its user, its job and its executable. */
export function runLinks(r: FoundRun, scope: LinkScope): string {
  const job = slurmJobName({ ...r, job_step: null });
  // a job's runs whenever they ran: the job, not the page's period, bounds them
  const { since: _since, until: _until, ...jobScope } = scope;
  const parts = [
    `user ${a(findHref({ user: r.user }, scope), r.user)}`,
    ...(job !== null && job !== '' && job !== 'unknown' ? [`job ${a(findHref({ job }, jobScope), job)}`] : []),
    `executable ${labelLinks('executable', r.app_name, scope)!}`,
    ...(r.module_name ? [`module ${labelLinks('module', r.module_name, scope)!}`] : []),
  ];
  return `<p class="links">${parts.join(' · ')}</p>`;
}
