import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash } from '../../src/transparency/merkle';
import { COSIGNATURE_V1, formatVkey, openNote, parseNote, parseVkey, rawPublicKey } from '../../src/transparency/note';
import { signCheckpoint } from '../../src/transparency/sequence';
import { addCheckpointBody, addWitness, requestCosignatures, verifyCosignature, Witness } from '../../src/transparency/witness';
import { testApp, type TestApp } from '../support/app';
import { lifecycle, NOW } from '../public/world';

let t: TestApp;
let witness: Witness;
let witnessVkey: string;

beforeAll(async () => {
  t = await testApp({ now: NOW });
  await lifecycle(t).certified({ certifiedOn: '2025-05-01' });
  await t.deps.log!.sequence();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  witnessVkey = formatVkey('witness.test/w1', raw, COSIGNATURE_V1);
  witness = new Witness('witness.test/w1', privateKey, raw, [parseVkey(t.deps.log!.key.vkey)!], () => Math.floor(t.clock.now().getTime() / 1000));
  await addWitness(t.database.db, t.clock, { vkey: witnessVkey, url: null });
});
afterAll(async () => t.close());

const send = async (_w: unknown, body: string) => witness.addCheckpoint(body);
const checkpointNote = async () => (await t.app.request('/.well-known/certmark/checkpoint')).text();

describe('witness cosignatures (C2SP tlog-witness, tlog-cosignature)', () => {
  it('a witness cosigns the first checkpoint it sees, and the checkpoint is served with its cosignature', async () => {
    expect(await requestCosignatures(t.database.db, t.clock, send)).toEqual(['witness.test/w1']);
    const note = await checkpointNote();
    const parsed = parseNote(note)!;
    expect(parsed.signatures.map((s) => s.name)).toEqual([t.deps.log!.origin, 'witness.test/w1']);
    expect(openNote(note, parseVkey(t.deps.log!.key.vkey)!)).toBe(parsed.text);
    const line = note.split('\n').find((l) => l.startsWith('— witness.test/w1 '))!;
    expect(verifyCosignature(line, parsed.text, parseVkey(witnessVkey)!)).toBe(Math.floor(t.clock.now().getTime() / 1000));
    expect(verifyCosignature(line, parsed.text.replace(/\n\d+\n/u, '\n1\n'), parseVkey(witnessVkey)!)).toBeNull();
  });

  it('cosigns a later checkpoint the log proves consistent with the one it cosigned', async () => {
    await lifecycle(t).certified({ certifiedOn: '2025-06-01' });
    await t.deps.log!.sequence();
    expect(await requestCosignatures(t.database.db, t.clock, send)).toEqual(['witness.test/w1']);
    expect(await checkpointNote()).toContain('— witness.test/w1 ');
  });

  it('refuses a checkpoint of a rewritten history, signed with the log’s own key (422)', async () => {
    const cp = (await t.deps.log!.checkpoint())!;
    const key = t.deps.log!.key;
    const forged = signCheckpoint(key, t.deps.log!.origin, cp.size + 1, leafHash(Buffer.from('another history')));
    const answer = witness.addCheckpoint(addCheckpointBody(cp.size, [leafHash(Buffer.from('x'))], forged));
    expect(answer.status).toBe(422);
    expect(answer.body).not.toMatch(/^—/u);
  });

  it('tells a log that proves from a size it did not cosign which size it knows (409)', async () => {
    const cp = (await t.deps.log!.checkpoint())!;
    expect(witness.addCheckpoint(addCheckpointBody(1, [], cp.note))).toEqual({ status: 409, body: `${cp.size}\n` });
  });

  it('refuses a checkpoint of a log it does not follow, or whose signature does not verify (403), and malformed requests (400)', async () => {
    const other = generateKeyPairSync('ed25519');
    const foreign = signCheckpoint({ ...t.deps.log!.key, privateKey: other.privateKey }, t.deps.log!.origin, 5, Buffer.alloc(32));
    expect(witness.addCheckpoint(addCheckpointBody(0, [], foreign)).status).toBe(403);
    expect(witness.addCheckpoint('nonsense').status).toBe(400);
  });

  it('accepts only witness keys of the cosignature type', async () => {
    await expect(addWitness(t.database.db, t.clock, { vkey: t.deps.log!.key.vkey, url: null })).rejects.toThrow(/0x04/);
  });
});
