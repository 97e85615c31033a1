/**
 * The one record writer on the TypeScript side: byte-compatible with XALT's (and with the C
 * collector's): compact JSON, members in insertion order, `crc` first, numbers in `userDT`
 * and `XALT_measureT` printed like C's `%.4f`, a trailing newline.
 */
import { CRC_PLACEHOLDER, crc16, formatCrc } from './crc16.js';

/** Tables whose numbers XALT prints with `%.4f`. */
const FIXED4_TABLES = new Set(['userDT', 'XALT_measureT']);

/**
 * C's `%.4f`, except that a small non-zero value is written as C's `%.5e` so it keeps its
 * precision (a sampling probability of 1e-5 must not become 0). The C writer does the same.
 */
export function formatFixed4(n: number): string {
  if (!Number.isFinite(n)) return '0.0000';
  if (n !== 0 && Math.abs(n) < 0.0001) {
    const [mantissa, exp] = n.toExponential(5).split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return n.toFixed(4);
}

function value(v: unknown, fixed4: boolean): string {
  if (typeof v === 'number') return fixed4 ? formatFixed4(v) : JSON.stringify(Number.isFinite(v) ? v : 0);
  if (Array.isArray(v)) return `[${v.map((x) => value(x, false)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const members = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${members.map(([k, x]) => `${JSON.stringify(k)}:${value(x, FIXED4_TABLES.has(k) || fixed4)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? '');
}

/**
 * Serialize a record (any kind) with its crc, ending in a newline. Any `crc` member of
 * `record` is ignored and recomputed.
 * @example serializeRecord({ program: 'python', xalt_run_uuid: u, package_name: 'numpy' })
 */
export function serializeRecord(record: object): string {
  const rest = Object.entries(record).filter(([k, v]) => k !== 'crc' && v !== undefined);
  const body = rest.map(([k, v]) => `,${JSON.stringify(k)}:${value(v, FIXED4_TABLES.has(k))}`).join('');
  const withPlaceholder = `{"crc":"${CRC_PLACEHOLDER}"${body}}`;
  const crc = formatCrc(crc16(Buffer.from(withPlaceholder, 'utf8')));
  return `{"crc":"${crc}"${body}}\n`;
}
