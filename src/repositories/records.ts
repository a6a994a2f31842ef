/**
 * Records kept beside the lifecycle (staff tokens, crawler keys, embed tokens, signing keys, misuse cases,
 * inquiries) are on the chain too: every write of one appends an event with the record's id and the SHA-256 of
 * its canonical contents after the write. Never a secret: a stored hash or a sealed key enters only through
 * that digest. The register check recomputes each record's digest and names any record that was changed,
 * added or deleted outside certmark.
 */
import { createHash } from 'node:crypto';
import { inTransaction, type Db, type Tx } from '../db/database';
import type { DB } from '../db/schema';
import { canonicalJson } from '../domain/canonical-json';
import { disclosureDigests } from '../domain/disclosure';
import type { EventType, RecordPayload } from '../domain/lifecycle/events';
import { appendEvents } from './events';
import { disclosureItemOf } from './services';

interface RecordKind {
  table: keyof DB;
  key: string;
  /** The columns the digest covers: what the record says, not counters that change on every sighting. */
  columns: readonly string[];
  /** Columns added later: in the digest only when not null, so the records fingerprinted before still match. */
  added?: readonly string[];
  events: readonly EventType[];
}

export const RECORD_KINDS = {
  staff_token: {
    table: 'staff_tokens',
    key: 'id',
    columns: ['id', 'name', 'role', 'token_hash', 'created_at', 'revoked_at'],
    added: ['delegate_id'],
    events: ['staff_token.issued', 'staff_token.revoked'],
  },
  crawler_key: {
    table: 'crawler_keys',
    key: 'id',
    columns: ['id', 'name', 'key_hash', 'created_at', 'revoked_at'],
    events: ['crawler_key.made', 'crawler_key.revoked'],
  },
  embed_token: {
    table: 'embed_tokens',
    key: 'jti',
    columns: ['jti', 'service_id', 'kid', 'origins', 'token', 'issued_at', 'retired_at'],
    events: ['embed_token.issued', 'embed_token.retired'],
  },
  signing_key: {
    table: 'signing_keys',
    key: 'kid',
    columns: ['kid', 'alg', 'public_jwk', 'private_enc', 'created_at', 'retired_at'],
    events: ['signing_key.added', 'signing_key.retired'],
  },
  case: {
    table: 'misuse_cases',
    key: 'id',
    columns: ['id', 'case_key', 'service_id', 'page_url', 'page_origin', 'finding', 'status', 'closed_at', 'close_reason', 'action'],
    added: ['awaiting', 'awaiting_until'],
    events: ['case.opened', 'case.closed', 'case.updated', 'case.reopened'],
  },
  case_action: {
    table: 'case_actions',
    key: 'id',
    columns: ['id', 'case_id', 'at', 'actor', 'kind', 'details', 'event_ids'],
    events: ['case_action.recorded'],
  },
  revocation_proposal: {
    table: 'revocation_proposals',
    key: 'id',
    columns: [
      'id',
      'service_id',
      'case_id',
      'ground',
      'reason',
      'notice',
      'notice_sent_by',
      'proposed_by',
      'proposed_at',
      'status',
      'decided_by',
      'decided_at',
      'decision_note',
      'revocation_event_id',
    ],
    events: ['revocation.proposed', 'revocation.approved', 'revocation.rejected', 'revocation.withdrawn'],
  },
  inquiry: {
    table: 'inquiries',
    key: 'id',
    columns: ['id', 'received_at', 'name', 'email', 'organisation', 'service_number', 'subject', 'body', 'status'],
    added: ['answer', 'answered_by', 'answered_at', 'closed_by', 'closed_at', 'close_note'],
    events: ['inquiry.received', 'inquiry.status_changed', 'inquiry.answered', 'inquiry.closed'],
  },
  delegate: {
    table: 'delegates',
    key: 'id',
    columns: ['id', 'name_ja', 'name_en', 'scope_ja', 'scope_en', 'delegated_on', 'ended_on'],
    events: ['delegate.named', 'delegate.ended'],
  },
  staff_assignment: {
    table: 'staff_assignments',
    key: 'id',
    columns: ['id', 'staff_token_id', 'service_id', 'assigned_at', 'ended_at'],
    added: ['staff_account_id'],
    events: ['staff_assignment.made', 'staff_assignment.ended'],
  },
  staff_account: {
    table: 'staff_accounts',
    key: 'id',
    columns: ['id', 'email', 'name', 'role', 'delegate_id', 'created_at', 'enrolled_at', 'disabled_at'],
    events: ['staff_account.invited', 'staff_account.enrolled', 'staff_account.disabled'],
  },
  vendor_user: {
    table: 'vendor_users',
    key: 'id',
    columns: ['id', 'vendor_id', 'email', 'name', 'role', 'created_by', 'created_at', 'disabled_at'],
    events: ['vendor_user.invited', 'vendor_user.disabled'],
  },
  origin_proof: {
    table: 'origin_proofs',
    key: 'id',
    columns: [
      'id',
      'service_id',
      'origin',
      'method',
      'token',
      'requested_by',
      'requested_at',
      'expires_at',
      'status',
      'verified_at',
      'revalidate_at',
      'failing_since',
    ],
    events: [
      'origin_proof.requested',
      'origin_proof.verified',
      'origin_proof.failing',
      'origin_proof.lapsed',
      'origin_proof.expired',
      'origin_proof.withdrawn',
    ],
  },
  service_document: {
    table: 'service_documents',
    key: 'id',
    columns: ['id', 'service_id', 'sha256', 'name', 'purpose', 'filed_by', 'filed_at'],
    events: ['document.filed'],
  },
} as const satisfies Record<string, RecordKind>;

export type RecordKindName = keyof typeof RECORD_KINDS;

const digestColumns = (k: RecordKind) => [...k.columns, ...(k.added ?? [])];
type RecordEvent<K extends RecordKindName> = (typeof RECORD_KINDS)[K]['events'][number];

/** SHA-256 of the kind and the record's columns, as canonical JSON (instants as ISO strings). */
export function recordFingerprint(kind: RecordKindName, row: Record<string, unknown>): string {
  const k: RecordKind = RECORD_KINDS[kind];
  const values = k.columns.map((c) => normalise(row[c]));
  for (const c of k.added ?? []) if (row[c] !== null && row[c] !== undefined) values.push([c, normalise(row[c])]);
  return createHash('sha256')
    .update(canonicalJson([kind, values]))
    .digest('hex');
}

function normalise(v: unknown): unknown {
  if (typeof v === 'string' && (v.startsWith('{') || v.startsWith('['))) {
    try {
      return JSON.parse(v); // a JSON column read back as text by one driver and as a value by the other
    } catch {
      return v;
    }
  }
  return v;
}

/** After writing a record in `tx`: reads it back and appends `type` with its id and fingerprint. */
export async function recordOnChain<K extends RecordKindName>(tx: Tx, kind: K, type: RecordEvent<K>, key: string, actor: string, at: Date): Promise<number> {
  return (await recordsOnChain(tx, kind, type, [key], actor, at))[0]!;
}

/** Many records of one kind at once (the cases a sighting batch opened): one read, one append. */
export async function recordsOnChain<K extends RecordKindName>(
  tx: Tx,
  kind: K,
  type: RecordEvent<K>,
  keys: readonly string[],
  actor: string,
  at: Date,
): Promise<number[]> {
  if (keys.length === 0) return [];
  const k = RECORD_KINDS[kind];
  const rows = (await tx
    .selectFrom(k.table)
    .select(digestColumns(k) as never)
    .where(k.key as never, 'in', [...keys] as never)
    .execute()) as Record<string, unknown>[];
  const byKey = new Map(rows.map((r) => [String(r[k.key]), r]));
  const events = [...keys].sort().map((key) => {
    const row = byKey.get(key);
    if (!row) throw new Error(`recordsOnChain: no ${kind} ${key}`);
    const payload: RecordPayload = { record: key, fingerprint: recordFingerprint(kind, row) };
    return { type, payload } as never;
  });
  return (await appendEvents(tx, null, actor, at, events)).map((e) => e.id);
}

export interface RecordProblem {
  table: string;
  record: string;
  problem: 'not on the chain' | 'changed outside certmark' | 'deleted';
}

/** Every record of every kind against the last fingerprint the chain holds for it. */
export async function verifyRecords(db: Db, limit = 20): Promise<{ checked: number; problems: RecordProblem[] }> {
  let checked = 0;
  const problems: RecordProblem[] = [];
  for (const kind of Object.keys(RECORD_KINDS) as RecordKindName[]) {
    const k = RECORD_KINDS[kind];
    const events = await db
      .selectFrom('events')
      .select(['payload'])
      .where('type', 'in', [...k.events])
      .orderBy('id')
      .execute();
    const expected = new Map<string, string>();
    for (const e of events) {
      const p = (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as RecordPayload;
      expected.set(p.record, p.fingerprint);
    }
    const rows = (await db
      .selectFrom(k.table)
      .select(digestColumns(k) as never)
      .execute()) as Record<string, unknown>[];
    for (const row of rows) {
      checked++;
      const key = String(row[k.key]);
      const fingerprint = expected.get(key);
      expected.delete(key);
      if (fingerprint === undefined) problems.push({ table: k.table, record: key, problem: 'not on the chain' });
      else if (fingerprint !== recordFingerprint(kind, row)) problems.push({ table: k.table, record: key, problem: 'changed outside certmark' });
    }
    for (const key of expected.keys()) problems.push({ table: k.table, record: key, problem: 'deleted' });
  }
  checked += await verifyDisclosures(db, problems);
  return { checked, problems: problems.slice(0, limit) };
}

/** Each disclosure version against the digests its `disclosure.changed` event carries (Art. 11.2, 13.1). */
async function verifyDisclosures(db: Db, problems: RecordProblem[]): Promise<number> {
  const events = await db.selectFrom('events').select(['id', 'service_id', 'payload']).where('type', '=', 'disclosure.changed').orderBy('id').execute();
  const rows = await db.selectFrom('disclosure_items').selectAll().orderBy('event_id').orderBy('position').execute();
  const byEvent = new Map<number, typeof rows>();
  for (const r of rows) byEvent.set(r.event_id, [...(byEvent.get(r.event_id) ?? []), r]);
  let checked = 0;
  for (const e of events) {
    const p = (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as { version: number; items?: string[] };
    const items = byEvent.get(e.id) ?? [];
    byEvent.delete(e.id);
    if (!p.items) continue; // written before the digests were
    checked += items.length;
    const actual = disclosureDigests(items.map(disclosureItemOf));
    if (actual.length !== p.items.length || actual.some((d, i) => d !== p.items![i])) {
      problems.push({
        table: 'disclosure_items',
        record: `${e.service_id}/v${p.version}`,
        problem: actual.length < p.items.length ? 'deleted' : 'changed outside certmark',
      });
    }
  }
  for (const [eventId, items] of byEvent)
    problems.push({ table: 'disclosure_items', record: `${items[0]!.service_id}/event ${eventId}`, problem: 'not on the chain' });
  return checked;
}

/**
 * Records written before they went on the chain (migrations 0004 and 0005 ask for this): each record with no
 * event yet gets its kind's first event type, with the actor `migration`. One transaction; nothing happens when
 * nothing is pending, and a record already on the chain is left alone.
 */
export async function adoptPendingRecords(db: Db, at: Date): Promise<number> {
  return inTransaction(db, async (tx) => {
    const pending = await tx.deleteFrom('pending_adoptions').where('name', '=', 'records_on_chain').executeTakeFirst();
    if (Number(pending.numDeletedRows) === 0) return 0;
    let adopted = 0;
    for (const kind of Object.keys(RECORD_KINDS) as RecordKindName[]) {
      const k = RECORD_KINDS[kind];
      const onChain = new Set(
        (
          await tx
            .selectFrom('events')
            .select('payload')
            .where('type', 'in', [...k.events])
            .execute()
        ).map((e) => ((typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as RecordPayload).record),
      );
      const keys = (
        (await tx
          .selectFrom(k.table)
          .select(k.key as never)
          .orderBy(k.key as never)
          .execute()) as Record<string, string>[]
      )
        .map((row) => String(row[k.key]))
        .filter((key) => !onChain.has(key));
      await recordsOnChain(tx, kind, k.events[0] as never, keys, 'migration', at);
      adopted += keys.length;
    }
    return adopted;
  });
}
