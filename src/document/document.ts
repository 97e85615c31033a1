/**
 * The shape every tabular result takes before it is rendered: a titled document of tables
 * (and, for reports, time series). Reports and `xalt find --csv` build one; the renderers in
 * this directory (text table, CSV/TSV, JSON, Markdown, HTML) turn it into bytes. Keeping the
 * model separate means a new format never touches a query.
 */

/** A cell: text, a number in raw units, or missing. */
export type Cell = string | number | null;

/** How a numeric column is shown to people (machine formats always get the raw number). */
export type CellFormat = 'text' | 'int' | 'hours' | 'percent' | 'seconds' | 'datetime' | 'number';

export interface Column {
  /** snake_case key used by machine formats */
  readonly key: string;
  /** header for people */
  readonly header: string;
  readonly format: CellFormat;
}

export type Row = Readonly<Record<string, Cell>>;

export interface DocTable {
  /** snake_case id, the key of this table in JSON */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** draw a horizontal bar chart of `value` against `label` in the HTML page */
  readonly chart?: { readonly label: string; readonly value: string };
  /** one line printed under the table (e.g. what a total covers) */
  readonly note?: string;
}

/** One bucket of a series. */
export interface SeriesPoint {
  /** ISO date of the bucket start */
  readonly t: string;
  readonly value: number;
  /**
   * The period covers only part of this bucket (it starts or ends inside it), so its value
   * is not comparable with whole buckets; charts draw it differently. Omitted when false.
   */
  readonly partial?: true;
}

/** A series of points in time, drawn as a column chart in HTML. */
export interface Series {
  readonly id: string;
  readonly title: string;
  /** day or week */
  readonly bucket: 'day' | 'week';
  readonly unit: string;
  readonly points: readonly SeriesPoint[];
}

/** A fact in a document's header. */
export interface MetaItem {
  /** JSON key; omit for lines only people see */
  readonly key?: string;
  /** label for people; omit for members only machine formats carry */
  readonly label?: string;
  readonly value: string | number | boolean | null;
  /** how people see the value, when not as is */
  readonly text?: string;
}

export interface Document {
  readonly title: string;
  /** facts about the document shown above the tables: period, store, weighting */
  readonly meta: readonly MetaItem[];
  readonly tables: readonly DocTable[];
  readonly series?: readonly Series[];
}

/** Output formats every tabular command accepts. */
export const FORMATS = ['table', 'csv', 'tsv', 'json', 'ndjson', 'md', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** Version of the JSON shape xalt writes; bump when a key changes meaning. */
export const OUTPUT_SCHEMA_VERSION = 1;
