import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyProof,
  frontier,
  inclusionProof,
  leafHash,
  nodesNeeded,
  rootHash,
  sourceOf,
  verifyConsistency,
  verifyInclusion,
  type StoredNode,
} from '../../src/transparency/merkle';
import { MTH, PATH, PROOF } from './rfc9162';

/** The store as the repository keeps it: every perfect subtree, made by appendLeaves in batches. */
function store(entries: Buffer[], batch = 3) {
  let size = 0;
  let front: StoredNode[] = [];
  const nodes: StoredNode[] = [];
  for (let i = 0; i < entries.length; i += batch) {
    const r = appendLeaves(size, front, entries.slice(i, i + batch).map(leafHash));
    nodes.push(...r.nodes);
    size = r.size;
    front = r.front;
  }
  return { nodes, source: sourceOf(nodes), front };
}

const hex = (b: Buffer) => b.toString('hex');
const entriesOf = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`entry ${i}`));

// The eight leaves of the RFC 6962 / Certificate Transparency reference tests, with their roots and proofs.
const VECTOR_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('the Merkle tree (RFC 9162 §2.1)', () => {
  it('hashes the reference leaves to the reference roots for every size from 1 to 8', () => {
    const { source } = store(VECTOR_LEAVES);
    for (let n = 1; n <= 8; n++) expect(hex(rootHash(n, source))).toBe(VECTOR_ROOTS[n - 1]);
  });

  it('gives the reference inclusion proof of leaf 0 in the tree of 8 and the consistency proof from 6 to 8', () => {
    const { source } = store(VECTOR_LEAVES);
    expect(inclusionProof(0, 8, source).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(consistencyProof(6, 8, source).map(hex)).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('agrees with the RFC written out over slices: root, every inclusion proof and every consistency proof up to 40 leaves', () => {
    const all = entriesOf(40);
    const { source } = store(all, 7);
    for (let n = 0; n <= 40; n++) {
      const d = all.slice(0, n);
      expect(hex(rootHash(n, source))).toBe(hex(MTH(d)));
      for (let m = 0; m < n; m++) expect(inclusionProof(m, n, source).map(hex)).toEqual(PATH(m, d).map(hex));
      for (let m = 0; m <= n; m++) expect(consistencyProof(m, n, source).map(hex)).toEqual(PROOF(m, d).map(hex));
    }
  });

  it('verifies its own proofs and rejects a changed hash, a wrong index or a wrong size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (n, a, b) => {
        const all = entriesOf(n);
        const { source } = store(all, 17);
        const index = a % n;
        const m = (b % n) + 1;
        const root = rootHash(n, source);
        const proof = inclusionProof(index, n, source);
        expect(verifyInclusion(index, n, leafHash(all[index]!), proof, root)).toBe(true);
        expect(verifyInclusion(index, n, leafHash(Buffer.from('other')), proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((index + 1) % n, n, leafHash(all[index]!), proof, root)).toBe(false);
        const cons = consistencyProof(m, n, source);
        const oldRoot = rootHash(m, source);
        expect(verifyConsistency(m, n, cons, oldRoot, root)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, cons, MTH([Buffer.from('x'), ...all.slice(1, m)]), root)).toBe(false);
          const bent = cons.map((h, i) => (i === cons.length - 1 ? leafHash(h) : h));
          expect(verifyConsistency(m, n, bent, oldRoot, root)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('catches a rewritten past entry: no consistency proof links the old root to the rewritten tree', () => {
    const all = entriesOf(50);
    const old = store(all.slice(0, 30));
    const rewritten = [...all];
    rewritten[12] = Buffer.from('rewritten');
    const now = store(rewritten);
    const proof = consistencyProof(30, 50, now.source);
    expect(verifyConsistency(30, 50, proof, rootHash(30, old.source), rootHash(50, now.source))).toBe(false);
  });

  it('reads O(log n) stored nodes for a root or a proof', () => {
    const n = 100_003;
    expect(frontier(n).length).toBeLessThanOrEqual(17);
    expect(nodesNeeded((s) => rootHash(n, s)).length).toBe(frontier(n).length);
    for (const i of [0, 1, 50_000, 99_999, 100_002]) expect(nodesNeeded((s) => inclusionProof(i, n, s)).length).toBeLessThanOrEqual(2 * 17);
    for (const m of [1, 3, 65_536, 99_000]) expect(nodesNeeded((s) => consistencyProof(m, n, s)).length).toBeLessThanOrEqual(2 * 17);
  });

  it('keeps as frontier exactly the perfect subtrees of the size', () => {
    const { front } = store(entriesOf(13), 4);
    expect(front.map(({ level, index }) => ({ level, index }))).toEqual(frontier(13));
  });
});
