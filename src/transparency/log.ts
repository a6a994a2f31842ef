/**
 * The transparency log as the app holds it: the key, the sequencer run after each commit (and every few seconds,
 * for commits of other processes), and the reads behind the public endpoints. Domain errors are AppErrors
 * (`invalid` → 400 problem+json).
 */
import type { Clock } from '../clock';
import { CHANGES_CHANNEL, onLocalCommit, type Database, type Db } from '../db/database';
import { invalid } from '../errors';
import type { LogKey } from '../keys/log-key';
import type { Logger } from '../logger';
import * as repo from '../repositories/log';
import { parseEntry } from './entry';
import { consistencyProof, inclusionProof, nodesNeeded, sourceOf } from './merkle';
import { logOrigin } from './note';
import { sequenceAll, type SequenceResult } from './sequence';
import { requestCosignatures, type WitnessTransport } from './witness';

import { ENTRIES_PAGE } from './constants';

export interface PublicLogIndex {
  size: number;
  at: Map<string, number>;
}

export class TransparencyLog {
  readonly origin: string;
  private running: Promise<SequenceResult | null> | null = null;
  private again = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unlisten: (() => void) | null = null;
  private listening: Promise<(() => Promise<void>) | null> | null = null;

  constructor(
    private readonly db: Db,
    readonly key: LogKey,
    base: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** How to reach the witnesses (C2SP tlog-witness); none: checkpoints are not sent for cosigning. */
    private readonly witnesses: WitnessTransport | null = null,
  ) {
    this.origin = logOrigin(base);
  }

  /** Appends what the chain holds beyond the log and signs a checkpoint; returns when done. */
  async sequence(): Promise<SequenceResult> {
    const r = await sequenceAll(this.db, this.key, this.origin, this.clock);
    if (r.signed) this.publicCache.clear(); // this process's pages show the new indexes at once
    if (r.signed && this.witnesses) {
      await requestCosignatures(this.db, this.clock, this.witnesses).catch((err) => this.logger.warn({ err }, 'could not ask the witnesses to cosign'));
    }
    return r;
  }

  /**
   * Asks for a run soon: coalesced (one run at a time, one more after it when asked during it). Failures are
   * logged; the next kick or tick tries again.
   */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sequence()
      .catch((err) => {
        this.logger.warn({ err }, 'the transparency log could not append; retried on the next change');
        return null;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no run is pending (tests and shells that stop). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * A checkpoint follows each event within a few seconds: at once after this process's own commits and on the
   * NOTIFY of other processes' lifecycle changes, and every `everyMs` when the chain holds events the log does not
   * (records, which announce no service change; a NOTIFY lost while the LISTEN connection was down).
   */
  start(database: Database, everyMs = 2000): void {
    if (this.timer) return;
    this.unlisten = onLocalCommit(database.db, (channel) => {
      if (channel === CHANGES_CHANNEL) this.kick();
    });
    this.timer = setInterval(() => void this.catchUp(), everyMs);
    this.timer.unref?.();
    // Other processes' lifecycle changes, as they are announced (PostgreSQL); the tick covers a lost NOTIFY.
    this.listening = database
      .listen(CHANGES_CHANNEL, () => this.kick())
      .catch((err) => {
        this.logger.warn({ err }, 'the transparency log could not LISTEN; it follows the chain on its tick');
        return null;
      });
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unlisten = null;
    const stopListening = await this.listening;
    this.listening = null;
    await stopListening?.();
    await this.settled();
  }

  /** One tick: a run when the chain holds events the log does not (cheap: two one-row reads). */
  async catchUp(): Promise<void> {
    try {
      const [tip, head] = await Promise.all([repo.logTip(this.db), repo.chainHeadId(this.db)]);
      if (head > tip.lastEventId) {
        this.kick();
        await this.settled();
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not read the transparency log tip');
    }
  }

  /** The newest checkpoint as a signed note, with the cosignatures witnesses gave it. */
  async checkpoint(): Promise<{ size: number; note: string } | null> {
    let row = await repo.latestCheckpoint(this.db);
    if (!row) {
      await this.sequence(); // a new log: its first checkpoint is signed on first demand
      row = await repo.latestCheckpoint(this.db);
    }
    if (!row) return null;
    const cosignatures = await repo.cosignaturesOf(this.db, row.size);
    return { size: row.size, note: row.note + cosignatures.join('') };
  }

  private async signedSize(): Promise<number> {
    return (await this.checkpoint())?.size ?? 0;
  }

  /** Entries [start, end), at most ENTRIES_PAGE of them; the range must lie inside the newest checkpoint. */
  async entries(start: number, end: number): Promise<{ index: number; entry: Buffer }[]> {
    const size = await this.signedSize();
    if (start >= end) throw invalid('start', 'start must be below end');
    if (end > size) throw invalid('end', `end must be at most the tree size of the newest checkpoint (${size})`);
    const rows = await repo.leafEntries(this.db, start, Math.min(end, start + ENTRIES_PAGE));
    return rows.map((r) => ({ index: r.idx, entry: r.entry }));
  }

  /** RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `size` leaves (a checkpointed size or below). */
  async inclusion(index: number, size: number): Promise<Buffer[]> {
    const signed = await this.signedSize();
    if (size < 1 || size > signed) throw invalid('size', `size must be between 1 and the tree size of the newest checkpoint (${signed})`);
    if (index >= size) throw invalid('index', 'index must be below size');
    const nodes = await repo.readNodes(
      this.db,
      nodesNeeded((s) => inclusionProof(index, size, s)),
    );
    return inclusionProof(index, size, sourceOf(nodes));
  }

  /** RFC 9162 §2.1.4 consistency proof between two tree sizes. */
  async consistency(from: number, to: number): Promise<Buffer[]> {
    const signed = await this.signedSize();
    if (to > signed) throw invalid('to', `to must be at most the tree size of the newest checkpoint (${signed})`);
    if (from < 1 || from > to) throw invalid('from', 'from must be between 1 and to');
    const nodes = await repo.readNodes(
      this.db,
      nodesNeeded((s) => consistencyProof(from, to, s)),
    );
    return consistencyProof(from, to, sourceOf(nodes));
  }

  private readonly publicCache = new Map<string, { until: number; value: Promise<PublicLogIndex> }>();

  /**
   * Where each public fact of one service stands in the log, keyed `{type}|{at ISO}` as the timeline's lines are,
   * with the size of the newest checkpoint (the inclusion proofs' tree). Kept for a second: the verification page
   * asks on every request.
   */
  publicIndex(number: string): Promise<PublicLogIndex> {
    const now = performance.now();
    const hit = this.publicCache.get(number);
    if (hit && hit.until > now) return hit.value;
    const value = (async () => {
      const [rows, size] = await Promise.all([repo.publicLeavesOf(this.db, number), this.signedSize()]);
      const at = new Map<string, number>();
      for (const r of rows) {
        if (r.idx >= size) continue;
        for (const f of parseEntry(r.entry)?.public ?? []) at.set(`${f.type}|${f.at}`, r.idx);
      }
      return { size, at };
    })();
    if (this.publicCache.size > 5000) this.publicCache.clear();
    this.publicCache.set(number, { until: now + 1000, value });
    value.catch(() => this.publicCache.delete(number));
    return value;
  }

  /** The leaf index of each of these events that the log holds. */
  leafIndexes(eventIds: readonly number[]): Promise<Map<number, number>> {
    return repo.leafIndexesOfEvents(this.db, eventIds);
  }
}
