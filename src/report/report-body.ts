/** What a report kind returns: its tables and series; the header is added by `buildReport`. */
import type { DocTable, Series } from '../document/document.js';

export interface ReportBody {
  readonly title: string;
  readonly tables: readonly DocTable[];
  readonly series?: readonly Series[];
}
