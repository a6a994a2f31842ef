import type { Selectable } from 'kysely';

type Instant = Date;

/** The transparency log's key: Ed25519, sealed with the key secret as the signing keys are (src/keys/log-key.ts). */
export interface LogKeyTable {
  /** The C2SP key name (the log's origin when the key was made). */
  name: string;
  /** 8 hex digits (C2SP key id). */
  key_id: string;
  public_key: Buffer;
  private_enc: string;
  created_at: Instant;
}

/** One leaf per event on the chain, in chain order: the exact entry bytes (src/transparency/entry.ts). */
export interface LogLeafTable {
  idx: number;
  event_id: number;
  entry: Buffer;
  /** The certification number when the entry is public; null for a commitment only. */
  service_number: string | null;
}

/** Every perfect subtree of the Merkle tree: level 0 are the leaf hashes. */
export interface LogNodeTable {
  level: number;
  idx: number;
  hash: Buffer;
}

/** Every signed checkpoint, one per tree size; none is ever removed. */
export interface LogCheckpointTable {
  size: number;
  root_hash: Buffer;
  key_name: string;
  note: string;
  signed_at: Instant;
}

/** Witnesses whose cosignatures the log accepts (C2SP tlog-witness). */
export interface LogWitnessTable {
  name: string;
  vkey: string;
  url: string | null;
  added_at: Instant;
  removed_at: Instant | null;
}

export interface LogCosignatureTable {
  checkpoint_size: number;
  witness_name: string;
  /** The whole `— {name} {base64}` line, as the witness sent it. */
  signature_line: string;
  cosigned_at: Instant;
  received_at: Instant;
}

export interface LogTables {
  log_keys: LogKeyTable;
  log_leaves: LogLeafTable;
  log_nodes: LogNodeTable;
  log_checkpoints: LogCheckpointTable;
  log_witnesses: LogWitnessTable;
  log_cosignatures: LogCosignatureTable;
}

export type LogKeyRow = Selectable<LogKeyTable>;
export type LogCheckpointRow = Selectable<LogCheckpointTable>;
