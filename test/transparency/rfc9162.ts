/**
 * A second implementation of RFC 9162 §2.1, for the tests: MTH, PATH and PROOF written straight from the RFC
 * over a list of entries, with node:crypto only (nothing of src/transparency/).
 */
import { createHash } from 'node:crypto';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const k = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

export const MTH = (d: Buffer[]): Buffer =>
  d.length === 0 ? sha() : d.length === 1 ? sha(Buffer.of(0), d[0]!) : sha(Buffer.of(1), MTH(d.slice(0, k(d.length))), MTH(d.slice(k(d.length))));

export const PATH = (m: number, d: Buffer[]): Buffer[] => {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...PATH(m, d.slice(0, s)), MTH(d.slice(s))] : [...PATH(m - s, d.slice(s)), MTH(d.slice(0, s))];
};

const SUBPROOF = (m: number, d: Buffer[], b: boolean): Buffer[] => {
  if (m === d.length) return b ? [] : [MTH(d)];
  const s = k(d.length);
  return m <= s ? [...SUBPROOF(m, d.slice(0, s), b), MTH(d.slice(s))] : [...SUBPROOF(m - s, d.slice(s), false), MTH(d.slice(0, s))];
};

export const PROOF = (m: number, d: Buffer[]) => (m === 0 ? [] : SUBPROOF(m, d, true));
