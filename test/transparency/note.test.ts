import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  formatVkey,
  keyId,
  logOrigin,
  openNote,
  parseCheckpoint,
  parseNote,
  parseVkey,
  rawPublicKey,
  signNote,
} from '../../src/transparency/note';

/** Go's sumdb/note test key and note (golang.org/x/mod/sumdb/note, note_test.go). */
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const fromSeed = (seed: Buffer) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });

describe('signed notes, checkpoints and verifier keys (C2SP)', () => {
  it('makes the same vkey and the same signature as Go’s sumdb/note for its test key', () => {
    const priv = fromSeed(GO_SEED);
    const raw = rawPublicKey(createPublicKey(priv));
    expect(formatVkey('PeterNeumann', raw)).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, 'PeterNeumann', priv, raw)).toBe(`${GO_TEXT}\n${GO_SIG}`);
    expect(openNote(`${GO_TEXT}\n${GO_SIG}`, parseVkey(GO_VKEY)!)).toBe(GO_TEXT);
  });

  it('computes the key id as the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)', () => {
    expect(keyId('PeterNeumann', 1, parseVkey(GO_VKEY)!.raw).toString('hex')).toBe('c74f20a3');
  });

  it('signs a checkpoint that parses back, and verifies with node:crypto alone', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    const origin = logOrigin('https://certmark.test:8443/x');
    expect(origin).toBe('certmark.test:8443/certmark-log');
    const text = formatCheckpoint({ origin, size: 42, root: Buffer.alloc(32, 7), extensions: [] });
    expect(text).toBe(`certmark.test:8443/certmark-log\n42\n${Buffer.alloc(32, 7).toString('base64')}\n`);
    const note = signNote(text, origin, privateKey, raw);
    const parsed = parseNote(note)!;
    expect(parsed.text).toBe(text);
    expect(parsed.signatures[0]!.keyId).toEqual(keyId(origin, 1, raw));
    expect(verify(null, Buffer.from(text), publicKey, parsed.signatures[0]!.signature)).toBe(true);
    expect(parseCheckpoint(openNote(note, parseVkey(formatVkey(origin, raw))!)!)).toEqual({ origin, size: 42, root: Buffer.alloc(32, 7), extensions: [] });
  });

  it('refuses a note whose text or signature was changed, or that is signed by another key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    const v = parseVkey(formatVkey('log.example/certmark-log', raw))!;
    const text = formatCheckpoint({ origin: 'log.example/certmark-log', size: 3, root: Buffer.alloc(32, 1), extensions: [] });
    const note = signNote(text, v.name, privateKey, raw);
    expect(openNote(note, v)).toBe(text);
    expect(openNote(note.replace('\n3\n', '\n4\n'), v)).toBeNull();
    expect(openNote(signNote(text, v.name, other.privateKey, raw), v)).toBeNull();
    expect(openNote(note.replace(/ (\S+)\n$/u, ' AAAA$1\n'), v)).toBeNull();
  });

  it('rejects malformed vkeys and checkpoints', () => {
    expect(parseVkey('no-plus')).toBeNull();
    expect(parseVkey(GO_VKEY.replace('c74f20a3', 'c74f20a4'))).toBeNull();
    expect(parseVkey(`bad name${GO_VKEY.slice('PeterNeumann'.length)}`)).toBeNull();
    expect(parseCheckpoint('o\n01\nAAAA\n')).toBeNull();
    expect(parseCheckpoint(`o\n-1\n${Buffer.alloc(32).toString('base64')}\n`)).toBeNull();
    expect(parseCheckpoint(`o\n1\n${Buffer.alloc(31).toString('base64')}\n`)).toBeNull();
    expect(parseCheckpoint(`o\n1\n${Buffer.alloc(32).toString('base64')}`)).toBeNull();
  });
});
