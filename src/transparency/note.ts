/**
 * C2SP signed notes (signed-note.md), tlog checkpoints (tlog-checkpoint.md) and verifier keys (vkey), with
 * Ed25519 keys from node:crypto. CONTRACT.md, "The transparency log", fixes the shapes.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** Signature types (C2SP signed-note): 0x01 Ed25519; 0x04 the timestamped Ed25519 cosignature (tlog-cosignature). */
export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** Extension lines after the root, without their newlines (none today). */
  extensions: string[];
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature bytes after the key id. */
  signature: Buffer;
}

export interface Note {
  /** The signed text, up to and including its last newline (before the blank line). */
  text: string;
  signatures: NoteSignature[];
}

/** The log's origin line: `{host of base}/certmark-log`. */
export function logOrigin(base: string): string {
  return `${new URL(base).host}/certmark-log`;
}

/** A key name may not be empty and holds no whitespace and no `+` (C2SP signed-note). */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

export function keyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(name, 'utf8').update(Buffer.of(0x0a, type)).update(publicKey).digest().subarray(0, 4);
}

/** The 32 raw bytes of an Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' }) as { x: string };
  return Buffer.from(jwk.x, 'base64url');
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function privateKeyFromJwk(jwk: Record<string, unknown>): KeyObject {
  return createPrivateKey({ key: jwk as never, format: 'jwk' });
}

/** `{name}+{key id hex}+{base64(type ‖ public key)}` (C2SP vkey). */
export function formatVkey(name: string, publicKey: Uint8Array, type = ED25519): string {
  return `${name}+${keyId(name, type, publicKey).toString('hex')}+${Buffer.concat([Buffer.of(type), publicKey]).toString('base64')}`;
}

export interface Verifier {
  name: string;
  keyId: Buffer;
  type: number;
  publicKey: KeyObject;
  raw: Buffer;
}

/** Parses a vkey; null when it is not a well-formed Ed25519 (or cosignature) key whose id matches. */
export function parseVkey(vkey: string): Verifier | null {
  // the base64 key may itself hold '+': split at the first two only
  const m = /^([^+]+)\+([^+]+)\+(.+)$/su.exec(vkey.trim());
  if (!m) return null;
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string];
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex)) return null;
  const bytes = Buffer.from(keyB64, 'base64');
  if (bytes.length !== 33 || bytes.toString('base64') !== keyB64) return null;
  const type = bytes[0]!;
  if (type !== ED25519 && type !== COSIGNATURE_V1) return null;
  const raw = bytes.subarray(1);
  const id = keyId(name, type, raw);
  if (id.toString('hex') !== idHex) return null;
  return { name, keyId: id, type, publicKey: publicKeyFromRaw(raw), raw: Buffer.from(raw) };
}

export function formatCheckpoint(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n${c.extensions.map((e) => `${e}\n`).join('')}`;
}

/** Parses a checkpoint's text; null when malformed. */
export function parseCheckpoint(text: string): Checkpoint | null {
  if (!text.endsWith('\n')) return null;
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return null;
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!origin || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) return null;
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) return null;
  if (extensions.some((e) => e === '')) return null;
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return null;
  return { origin, size, root, extensions };
}

export function signatureLine(s: NoteSignature): string {
  return `— ${s.name} ${Buffer.concat([s.keyId, s.signature]).toString('base64')}\n`;
}

/** Signs `text` as a note with an Ed25519 key: the text, a blank line, the signature line. */
export function signNote(text: string, name: string, privateKey: KeyObject, publicKey: Uint8Array): string {
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n${signatureLine({ name, keyId: keyId(name, ED25519, publicKey), signature })}`;
}

/** Splits a note into its text and signature lines; null when malformed. */
export function parseNote(note: string): Note | null {
  const at = note.lastIndexOf('\n\n');
  if (at < 0 || !note.endsWith('\n')) return null;
  const text = note.slice(0, at + 1);
  const sigLines = note.slice(at + 2, -1).split('\n');
  const signatures: NoteSignature[] = [];
  for (const line of sigLines) {
    const m = /^— (\S+) (\S+)$/u.exec(line);
    if (!m) return null;
    const bytes = Buffer.from(m[2]!, 'base64');
    if (bytes.length < 5) return null;
    signatures.push({ name: m[1]!, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  if (signatures.length === 0) return null;
  return { text, signatures };
}

/** The signed text when `note` carries a valid signature by `verifier`, else null. */
export function openNote(note: string, verifier: Verifier): string | null {
  const parsed = parseNote(note);
  if (!parsed || verifier.type !== ED25519) return null;
  const ok = parsed.signatures.some(
    (s) =>
      s.name === verifier.name &&
      s.keyId.equals(verifier.keyId) &&
      s.signature.length === 64 &&
      verify(null, Buffer.from(parsed.text, 'utf8'), verifier.publicKey, s.signature),
  );
  return ok ? parsed.text : null;
}
