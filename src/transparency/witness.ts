/**
 * Witnesses (C2SP tlog-witness, tlog-cosignature): a witness cosigns a checkpoint only when it is consistent with
 * the last one it cosigned for that log, so a log cannot show two histories to two readers without one of the
 * witnesses noticing. Here: the cosignature format; a witness (`Witness`, used as the test witness) that answers
 * add-checkpoint requests; and the log's side, which asks each configured witness and keeps what they sign.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db/database';
import { invalid } from '../errors';
import * as repo from '../repositories/log';
import { consistencyProof, nodesNeeded, sourceOf, verifyConsistency } from './merkle';
import { COSIGNATURE_V1, keyId, openNote, parseCheckpoint, parseNote, parseVkey, signatureLine, type Verifier } from './note';

const message = (checkpointText: string, time: number) => Buffer.from(`cosignature/v1\ntime ${time}\n${checkpointText}`, 'utf8');

/** A cosignature line: `— {name} base64(key id ‖ time (8 bytes, big-endian) ‖ Ed25519 signature)`. */
export function cosign(checkpointText: string, name: string, privateKey: KeyObject, publicKey: Uint8Array, time: number): string {
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(BigInt(time));
  const signature = Buffer.concat([t, sign(null, message(checkpointText, time), privateKey)]);
  return signatureLine({ name, keyId: keyId(name, COSIGNATURE_V1, publicKey), signature });
}

/** The cosignature's time when `line` is a valid cosignature of the checkpoint by this witness, else null. */
export function verifyCosignature(line: string, checkpointText: string, witness: Verifier): number | null {
  const parsed = parseNote(`x\n\n${line.endsWith('\n') ? line : `${line}\n`}`);
  const s = parsed?.signatures[0];
  if (!s || witness.type !== COSIGNATURE_V1 || s.name !== witness.name || !s.keyId.equals(witness.keyId) || s.signature.length !== 72) return null;
  const time = Number(s.signature.readBigUInt64BE(0));
  return verify(null, message(checkpointText, time), witness.publicKey, s.signature.subarray(8)) ? time : null;
}

/** An add-checkpoint request (tlog-witness): `old {size}`, the consistency proof, a blank line, the checkpoint note. */
export function addCheckpointBody(oldSize: number, proof: readonly Buffer[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${note}`;
}

export interface WitnessAnswer {
  /** 200 cosigned; 409 the old size is not the witness's (body: its size); 422 the proof does not verify; 403 unknown log or bad signature; 400 malformed. */
  status: 200 | 400 | 403 | 409 | 422;
  body: string;
}

/** A witness: keeps the newest checkpoint it cosigned per log, and cosigns only checkpoints consistent with it. */
export class Witness {
  private readonly latest = new Map<string, { size: number; root: Buffer }>();

  constructor(
    readonly name: string,
    private readonly privateKey: KeyObject,
    readonly publicKey: Buffer,
    private readonly logs: readonly Verifier[],
    private readonly now: () => number,
  ) {}

  addCheckpoint(body: string): WitnessAnswer {
    const at = body.indexOf('\n\n');
    const head = at < 0 ? null : body.slice(0, at).split('\n');
    const oldMatch = head ? /^old (0|[1-9][0-9]*)$/.exec(head[0] ?? '') : null;
    if (!head || !oldMatch) return { status: 400, body: 'malformed request\n' };
    const oldSize = Number(oldMatch[1]);
    const proof = head.slice(1).map((h) => Buffer.from(h, 'base64'));
    const note = body.slice(at + 2);
    const text = parseNote(note)?.text;
    const cp = text ? parseCheckpoint(text) : null;
    if (!cp) return { status: 400, body: 'malformed checkpoint\n' };
    const log = this.logs.find((l) => l.name === cp.origin);
    if (!log || openNote(note, log) === null) return { status: 403, body: 'unknown log or bad signature\n' };
    const known = this.latest.get(cp.origin) ?? { size: 0, root: Buffer.alloc(0) };
    if (oldSize !== known.size) return { status: 409, body: `${known.size}\n` };
    if (cp.size < known.size) return { status: 409, body: `${known.size}\n` };
    if (known.size > 0 && !verifyConsistency(known.size, cp.size, proof, known.root, cp.root))
      return { status: 422, body: 'the consistency proof does not verify\n' };
    this.latest.set(cp.origin, { size: cp.size, root: cp.root });
    return { status: 200, body: cosign(text!, this.name, this.privateKey, this.publicKey, this.now()) };
  }
}

/** Sends an add-checkpoint request to a witness (HTTP POST {url}/add-checkpoint in production; tests pass their own). */
export type WitnessTransport = (witness: { name: string; url: string | null }, body: string) => Promise<WitnessAnswer>;

/** The HTTP transport: POST {url}/add-checkpoint (a witness with no URL is skipped). */
export function httpWitnessTransport(fetcher: typeof fetch = fetch, timeoutMs = 5000): WitnessTransport {
  return async (w, body) => {
    if (!w.url) return { status: 400, body: 'no URL\n' };
    const res = await fetcher(`${w.url.replace(/\/+$/, '')}/add-checkpoint`, { method: 'POST', body, signal: AbortSignal.timeout(timeoutMs) });
    const status = res.status as WitnessAnswer['status'];
    return { status: [200, 400, 403, 409, 422].includes(status) ? status : 400, body: await res.text() };
  };
}

/** Adds a witness whose cosignatures the log accepts (its vkey must be a cosignature/v1 key). */
export async function addWitness(db: Db, clock: Clock, input: { vkey: string; url: string | null }): Promise<string> {
  const v = parseVkey(input.vkey);
  if (!v || v.type !== COSIGNATURE_V1) throw invalid('vkey', 'a witness key is a C2SP vkey of type 0x04 (cosignature/v1)');
  await inTransaction(db, (tx) => repo.insertWitness(tx, { name: v.name, vkey: input.vkey.trim(), url: input.url, at: clock.now() }));
  return v.name;
}

/**
 * Asks every witness to cosign the newest checkpoint, proving it consistent with the last one that witness
 * cosigned; keeps each valid cosignature (served with the checkpoint). Returns the witnesses that cosigned.
 */
export async function requestCosignatures(db: Db, clock: Clock, send: WitnessTransport): Promise<string[]> {
  const cp = await repo.latestCheckpoint(db);
  if (!cp) return [];
  const text = parseNote(cp.note)!.text;
  const cosigned: string[] = [];
  for (const w of await repo.activeWitnesses(db)) {
    const verifier = parseVkey(w.vkey);
    if (!verifier) continue;
    let oldSize = await repo.lastCosignedSize(db, w.name);
    for (let attempt = 0; attempt < 2; attempt++) {
      const proof = oldSize > 0 && oldSize < cp.size ? await proofOf(db, oldSize, cp.size) : [];
      const answer = await send(w, addCheckpointBody(oldSize, proof, cp.note));
      if (answer.status === 409 && /^\d+\n?$/.test(answer.body)) {
        oldSize = Number(answer.body.trim()); // the witness knows another size: prove from there
        continue;
      }
      if (answer.status !== 200) break;
      const time = verifyCosignature(answer.body, text, verifier);
      if (time === null) break;
      await inTransaction(db, (tx) =>
        repo.insertCosignature(tx, { size: cp.size, witness: w.name, line: answer.body, cosignedAt: new Date(time * 1000), at: clock.now() }),
      );
      cosigned.push(w.name);
      break;
    }
  }
  return cosigned;
}

async function proofOf(db: Db, from: number, to: number): Promise<Buffer[]> {
  const nodes = await repo.readNodes(
    db,
    nodesNeeded((s) => consistencyProof(from, to, s)),
  );
  return consistencyProof(from, to, sourceOf(nodes));
}
