/** Pick the renderer for a format: the one place that knows every format. */
import type { Document, Format } from './document.js';
import { renderDelimited } from './delimited.js';
import { renderHtml } from './html-page.js';
import { renderJson, renderNdjson } from './json-output.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text-table.js';

export interface RenderOptions {
  readonly noHeader?: boolean;
  /** extra top-level JSON members (kind, period…) */
  readonly jsonExtra?: Record<string, unknown>;
}

/** Render `doc` in `format`. */
export function renderDocument(doc: Document, format: Format, options: RenderOptions = {}): string {
  switch (format) {
    case 'table': return renderText(doc, options);
    case 'csv': return renderDelimited(doc, 'csv', options);
    case 'tsv': return renderDelimited(doc, 'tsv', options);
    case 'json': return renderJson(doc, options.jsonExtra);
    case 'ndjson': return renderNdjson(doc);
    case 'md': return renderMarkdown(doc);
    case 'html': return renderHtml(doc);
  }
}
