/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0), the checksum XALT
 * puts first in every record.
 */

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/CCITT-FALSE of `bytes`. @example crc16(Buffer.from('123456789')) === 0x29b1 */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  // an indexed loop: ingest checks every record's crc, and an iterator costs several times more
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The placeholder every record is checksummed with, at byte offset 8..13. */
export const CRC_PLACEHOLDER = '0xFFFF';

/** `"0xHHHH"` (uppercase hex) as XALT writes it. */
export function formatCrc(crc: number): string {
  return `0x${crc.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Check a serialized record's leading crc. Returns undefined when the record has no crc slot
 * at offset 8 (older writers), else whether it matches.
 */
export function verifyRecordCrc(text: string): boolean | undefined {
  const m = /^\{"crc":"(0x[0-9A-Fa-f]{4})"/.exec(text);
  if (!m) return undefined;
  const body = Buffer.from(text.trimEnd(), 'utf8');
  Buffer.from(CRC_PLACEHOLDER).copy(body, 8);
  return crc16(body) === parseInt(m[1]!, 16);
}
