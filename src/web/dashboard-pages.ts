/** The dashboard's HTML around reused report pages: navigation, the period form, error pages. */
import type { Column, DocTable, Document, Row } from '../document/document.js';
import { renderHtml } from '../document/html-page.js';
import { escapeXml } from '../document/svg-charts.js';
import { REPORT_KINDS } from '../report/report-spec.js';
import { labelLinks, type LinkScope } from './dashboard-links.js';
import { carriedQuery, openingPeriod } from './dashboard-params.js';

const NAV_STYLE = `
nav.dash{display:flex;flex-wrap:wrap;gap:.3em .9em;padding:.6em 0;border-bottom:2px solid #d0d7de;margin-bottom:1em}
nav.dash a{color:#0969da;text-decoration:none}nav.dash a.here{font-weight:700;color:#1b1f24}
form.period{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;margin:.6em 0}form.period label{display:flex;flex-direction:column;font-size:.85em;color:#57606a}
form.period input,form.period select{font:inherit;padding:.15em .3em}pre.runs{background:#f6f8fa;padding:1em;overflow:auto;margin:0 0 .8em}
pre.runs.flagged{background:#fff5f5;border-left:.4em solid #cf222e}p.flagged{color:#cf222e}
td a,p.links a,p.span a,nav.pages a{color:#0969da;text-decoration:none}a.also{font-size:.8em;margin-left:.4em}
p.links{margin:.8em 0 .2em;font-size:.9em;color:#57606a}p.span{color:#57606a;margin:.2em 0}
nav.pages{display:flex;gap:1.5em;align-items:center;margin:.8em 0}span.up{color:#1a7f37}span.down{color:#cf222e}`;

/** Navigation bar: every report kind and find, keeping the period in the links. */
export function navigation(current: string, q: URLSearchParams): string {
  const carry = carriedQuery(q);
  const links = [...REPORT_KINDS.map((k) => [`/report/${k}`, k] as const), ['/find', 'find'] as const];
  const items = links.map(([href, label]) => `<a href="${escapeXml(href + (label === 'find' ? '' : carry))}"${label === current ? ' class="here" aria-current="page"' : ''}>${escapeXml(label)}</a>`);
  return `<nav class="dash" aria-label="reports">${items.join('')}</nav>`;
}

function checkbox(name: string, label: string, q: URLSearchParams): string {
  return `<label>${escapeXml(label)}<input type="checkbox" name="${name}" value="1"${q.get(name) ? ' checked' : ''}></label>`;
}

function field(name: string, label: string, q: URLSearchParams, placeholder: string): string {
  return `<label>${escapeXml(label)}<input name="${name}" value="${escapeXml(q.get(name) ?? '')}" placeholder="${escapeXml(placeholder)}" size="12"></label>`;
}

/** The GET form that re-scopes the current report. */
export function periodForm(action: string, q: URLSearchParams): string {
  return `<form class="period" method="get" action="${escapeXml(action)}">${field('since', 'since', q, '30d')}${field('until', 'until', q, 'now')}`
    + `${field('syshost', 'cluster', q, 'all')}${field('top', 'top', q, '20')}`
    + `${checkbox('unweighted', 'unweighted', q)}${checkbox('include-flagged', 'include flagged', q)}${checkbox('compare', 'compare with previous period', q)}<button type="submit">show</button></form>`;
}

/** The store's first and last run, with links to its last 30 days of data and to all of it. */
export function storeSpanLine(kind: string, span: { first: number | null; last: number | null }, q: URLSearchParams): string {
  if (span.first === null || span.last === null) return '<p class="span">The store holds no runs yet.</p>';
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  const link = (since: string, until: string, text: string) => {
    const p = new URLSearchParams(carriedQuery(q));
    p.set('since', since);
    p.set('until', until);
    return `<a href="${escapeXml(`/report/${kind}?${p.toString()}`)}">${escapeXml(text)}</a>`;
  };
  const last30 = openingPeriod(span.last);
  return `<p class="span">The store holds runs from <b>${day(span.first)}</b> to <b>${day(span.last)}</b> (UTC): `
    + `${link(last30.since, last30.until, 'its last 30 days')} · ${link(day(span.first), last30.until, 'all of it')}</p>`;
}

/** A change in percent with its sign, coloured by direction so rises and falls read at a glance. */
function changeCell(v: Row[string]): string {
  if (typeof v !== 'number') return '';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  return `<span class="${v > 0 ? 'up' : v < 0 ? 'down' : 'same'}">${sign}${Math.abs(v).toFixed(1)}%</span>`;
}

/** The report tables' cells: labels link to their runs and users, changes get their sign. */
function reportCell(scope: LinkScope): (t: DocTable, c: Column, r: Row, text: string) => string | undefined {
  return (_t, c, r, text) => {
    if (c.key.endsWith('_change')) return changeCell(r[c.key] ?? null);
    if (c.key.endsWith('_previous') && r[c.key] === null) return '<span title="not among the previous period\'s rows">—</span>';
    return c.format === 'text' ? labelLinks(c.key, text, scope) : undefined;
  };
}

/** A report as a dashboard page. */
export function reportPage(kind: string, doc: Document, q: URLSearchParams, extra: { span: string; scope: LinkScope }): string {
  return renderHtml(doc, { header: navigation(kind, q) + extra.span + periodForm(`/report/${kind}`, q), style: NAV_STYLE, csp: "form-action 'self'", cell: reportCell(extra.scope) });
}

/** The find page: the filter form and what was found (runs, or their users). */
export function findPage(q: URLSearchParams, body: string): string {
  const fields = [['user', 'user'], ['job', 'job'], ['uuid', 'run uuid'], ['exec', 'executable'], ['module', 'module'], ['package', 'package'], ['host', 'host'], ['since', 'since'], ['until', 'until'], ['limit', 'per page']];
  const users = q.get('view') === 'users';
  const view = `<label>show<select name="view"><option value="runs"${users ? '' : ' selected'}>runs</option><option value="users"${users ? ' selected' : ''}>users</option></select></label>`;
  const form = `<form class="period" method="get" action="/find">${fields.map(([n, l]) => field(n!, l!, q, '')).join('')}${view}`
    + `${checkbox('failed', 'failed', q)}${checkbox('include-flagged', 'include flagged', q)}<button type="submit">find</button></form>`;
  const doc: Document = { title: 'xalt find', meta: [], tables: [] };
  return renderHtml(doc, { header: navigation('find', q) + form + body, style: NAV_STYLE, csp: "form-action 'self'" }).replace('<h1>xalt find</h1>', '');
}

/** Previous/next links for a page of find results, keeping every other parameter. */
export function pageLinks(q: URLSearchParams, offset: number, shown: number, more: boolean): string {
  const to = (n: number, text: string, rel: string) => {
    const p = new URLSearchParams(q);
    if (n <= 1) p.delete('page');
    else p.set('page', String(n));
    return `<a href="${escapeXml(`/find?${p.toString()}`)}" rel="${rel}">${escapeXml(text)}</a>`;
  };
  const current = Number(q.get('page') || '1');
  const prev = offset > 0 ? to(current - 1, '← newer', 'prev') : '';
  const next = more ? to(current + 1, 'older →', 'next') : '';
  return `<nav class="pages" aria-label="pages">${prev}<span>runs ${offset + 1}–${offset + shown}${more ? '' : ' (the last)'}</span>${next}</nav>`;
}

/** A small error page (also used for 401/404). */
export function errorPage(status: number, message: string, hint?: string): string {
  const doc: Document = { title: `xalt dashboard: ${status}`, meta: [], tables: [] };
  return renderHtml(doc, { header: '', style: NAV_STYLE }).replace('</h1>', `</h1><p>${escapeXml(message)}</p>${hint ? `<p class="note">${escapeXml(hint)}</p>` : ''}`);
}
