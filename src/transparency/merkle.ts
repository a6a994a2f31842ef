/**
 * The Merkle tree of the transparency log, hashed as RFC 9162 §2.1 does: leaf = SHA-256(0x00 ‖ entry),
 * node = SHA-256(0x01 ‖ left ‖ right). Pure functions: the tree is read through a `NodeSource` that answers the
 * hash of a perfect, aligned subtree (level L, index k covers leaves [k·2^L, (k+1)·2^L)), which the store keeps
 * as one row each, so a root or a proof reads O(log n) rows (`nodesNeeded` names them before they are read).
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

export interface NodeId {
  level: number;
  index: number;
}

export interface StoredNode extends NodeId {
  hash: Hash;
}

/** The hash of the perfect subtree at (level, index). */
export type NodeSource = (level: number, index: number) => Hash;

export const EMPTY_ROOT: Hash = createHash('sha256').digest();

export function leafHash(entry: Uint8Array): Hash {
  return createHash('sha256').update(Buffer.of(0)).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

const isPowerOfTwo = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

/** The largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) (RFC 9162 §2.1.1), from the perfect subtrees that make it up. */
export function subtreeHash(start: number, end: number, node: NodeSource): Hash {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return node(Math.round(Math.log2(n)), start / n);
  const k = splitPoint(n);
  return nodeHash(subtreeHash(start, start + k, node), subtreeHash(start + k, end, node));
}

export function rootHash(size: number, node: NodeSource): Hash {
  return subtreeHash(0, size, node);
}

/** RFC 9162 §2.1.3.1: PATH(index, D[0:size]). */
export function inclusionProof(index: number, size: number, node: NodeSource): Hash[] {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) throw new RangeError('index must be below size');
  const path = (m: number, start: number, end: number): Hash[] => {
    const n = end - start;
    if (n <= 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...path(m, start, start + k), subtreeHash(start + k, end, node)];
    return [...path(m - k, start + k, end), subtreeHash(start, start + k, node)];
  };
  return path(index, 0, size);
}

/** RFC 9162 §2.1.4.1: PROOF(from, D[0:to]). Empty when from is 0 or equal to to. */
export function consistencyProof(from: number, to: number, node: NodeSource): Hash[] {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to) throw new RangeError('from must be at most to');
  if (from === 0 || from === to) return [];
  const subproof = (m: number, start: number, end: number, whole: boolean): Hash[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [subtreeHash(start, end, node)];
    const k = splitPoint(n);
    if (m <= k) return [...subproof(m, start, start + k, whole), subtreeHash(start + k, end, node)];
    return [...subproof(m - k, start + k, end, false), subtreeHash(start, start + k, node)];
  };
  return subproof(from, 0, to, true);
}

/** The perfect subtrees a computation reads, found by running it once against a recording source. */
export function nodesNeeded(compute: (node: NodeSource) => unknown): NodeId[] {
  const seen = new Map<string, NodeId>();
  const zero = Buffer.alloc(32);
  compute((level, index) => {
    seen.set(`${level}/${index}`, { level, index });
    return zero;
  });
  return [...seen.values()];
}

/** A NodeSource over nodes read from the store; a missing node is an error (the store is incomplete). */
export function sourceOf(nodes: readonly StoredNode[]): NodeSource {
  const map = new Map(nodes.map((n) => [`${n.level}/${n.index}`, n.hash]));
  return (level, index) => {
    const h = map.get(`${level}/${index}`);
    if (!h) throw new Error(`the log store has no node at level ${level}, index ${index}`);
    return h;
  };
}

/** The perfect subtrees that make up a tree of `size` leaves, largest first (at most log2(size) + 1). */
export function frontier(size: number): NodeId[] {
  const out: NodeId[] = [];
  let offset = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    const width = 2 ** level;
    if (size - offset >= width) {
      out.push({ level, index: offset / width });
      offset += width;
    }
  }
  return out;
}

/**
 * Appends leaves to a tree of `size` leaves whose frontier nodes are given: every new perfect subtree (the
 * leaves themselves at level 0) to store, and the new frontier.
 */
export function appendLeaves(size: number, front: readonly StoredNode[], leaves: readonly Hash[]): { size: number; nodes: StoredNode[]; front: StoredNode[] } {
  const stack = [...front];
  const nodes: StoredNode[] = [];
  let n = size;
  for (const leaf of leaves) {
    let cur: StoredNode = { level: 0, index: n, hash: leaf };
    nodes.push(cur);
    // merge while the last frontier node is a left sibling of the same level
    while (stack.length > 0 && stack[stack.length - 1]!.level === cur.level) {
      const left = stack.pop()!;
      cur = { level: cur.level + 1, index: left.index / 2, hash: nodeHash(left.hash, cur.hash) };
      nodes.push(cur);
    }
    stack.push(cur);
    n++;
  }
  return { size: n, nodes, front: stack };
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf at `index` in the tree of `size` leaves with this root? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `from` leaves (oldRoot) is a prefix of that of `to` (newRoot)? */
export function verifyConsistency(from: number, to: number, proof: readonly Uint8Array[], oldRoot: Uint8Array, newRoot: Uint8Array): boolean {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to) return false;
  if (from === to) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [oldRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}
