/**
 * SHA-1 of a string as 40 hex digits (pure). Ingest hashes every path it walks; the one-shot
 * `crypto.hash` (Node ≥ 20.12) takes half the time of `createHash().update().digest()`, which
 * older Node 20 releases fall back to.
 */
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string) => string;
const oneShot = (crypto as { hash?: OneShot }).hash;

/**
 * @example sha1Hex('abc') === 'a9993e364706816aba3e25717850c26c9cd0d89d'
 */
export const sha1Hex: (text: string) => string = typeof oneShot === 'function'
  ? (text) => oneShot('sha1', text)
  : (text) => crypto.createHash('sha1').update(text).digest('hex');
