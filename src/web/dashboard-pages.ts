/** The dashboard's HTML around reused report pages: navigation, the period form, error pages. */
import type { Document } from '../document/document.js';
import { renderHtml } from '../document/html-page.js';
import { escapeXml } from '../document/svg-charts.js';
import { REPORT_KINDS } from '../report/report-spec.js';
import { carriedQuery } from './dashboard-params.js';

const NAV_STYLE = `
nav.dash{display:flex;flex-wrap:wrap;gap:.3em .9em;padding:.6em 0;border-bottom:2px solid #d0d7de;margin-bottom:1em}
nav.dash a{color:#0969da;text-decoration:none}nav.dash a.here{font-weight:700;color:#1b1f24}
form.period{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;margin:.6em 0}form.period label{display:flex;flex-direction:column;font-size:.85em;color:#57606a}
form.period input{font:inherit;padding:.15em .3em}pre.runs{background:#f6f8fa;padding:1em;overflow:auto;margin:.5em 0}
pre.runs.flagged{background:#fff5f5;border-left:.4em solid #cf222e}p.flagged{color:#cf222e}`;

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
    + `${checkbox('unweighted', 'unweighted', q)}${checkbox('include-flagged', 'include flagged', q)}<button type="submit">show</button></form>`;
}

/** A report as a dashboard page. */
export function reportPage(kind: string, doc: Document, q: URLSearchParams): string {
  return renderHtml(doc, { header: navigation(kind, q) + periodForm(`/report/${kind}`, q), style: NAV_STYLE, csp: "form-action 'self'" });
}

/** The find page: the filter form and the runs found, as the CLI prints them. */
export function findPage(q: URLSearchParams, body: string): string {
  const fields = [['user', 'user'], ['job', 'job'], ['uuid', 'run uuid'], ['exec', 'executable'], ['module', 'module'], ['package', 'package'], ['host', 'host'], ['since', 'since'], ['until', 'until'], ['limit', 'limit']];
  const form = `<form class="period" method="get" action="/find">${fields.map(([n, l]) => field(n!, l!, q, '')).join('')}`
    + `${checkbox('failed', 'failed', q)}${checkbox('include-flagged', 'include flagged', q)}<button type="submit">find</button></form>`;
  const doc: Document = { title: 'xalt find', meta: [], tables: [] };
  return renderHtml(doc, { header: navigation('find', q) + form + body, style: NAV_STYLE, csp: "form-action 'self'" }).replace('<h1>xalt find</h1>', '');
}

/** A small error page (also used for 401/404). */
export function errorPage(status: number, message: string, hint?: string): string {
  const doc: Document = { title: `xalt dashboard: ${status}`, meta: [], tables: [] };
  return renderHtml(doc, { header: '', style: NAV_STYLE }).replace('</h1>', `</h1><p>${escapeXml(message)}</p>${hint ? `<p class="note">${escapeXml(hint)}</p>` : ''}`);
}
