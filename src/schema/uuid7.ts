/** Version 7 (time-ordered) UUIDs, as XALT ≥ 3.1.5 and the C collector generate them. */
import { randomBytes } from 'node:crypto';

/** A new UUIDv7: 48-bit ms timestamp, version and variant bits, random rest. */
export function uuid7(nowMs: number = Date.now()): string {
  const b = randomBytes(16);
  const ts = BigInt(Math.floor(nowMs));
  for (let i = 0; i < 6; i++) b[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** XALT's run_uuid check (lowercase 8-4-4-4-12). */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
