/**
 * A console form → the domain call the staff API makes, and its preview (issue 14). Plain functions on the
 * database and the clock (through the LifecycleContext the routes build).
 *
 * - `readForm`: the posted fields → the request body, validated by the staff API's own schema; errors by field.
 * - `previewOperation`: a dry run. The domain function itself runs, inside a transaction that is then rolled
 *   back: its own rules decide (state, window, dates), and what it would write is read back before the rollback
 *   (the events, the status after, the certification number and validity dates, the notices it queues, and what
 *   the public pages would show, by the publication's own fold). Nothing is committed, no hook runs, no NOTIFY
 *   leaves (PostgreSQL sends it only on commit).
 * - `commitOperation`: the same call, committed.
 */
import type { z } from '@hono/zod-openapi';
import { inTransaction, type Db, type Tx } from '../db/database';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { currentPeriod, foldEvents, inForceThrough, statusOf, type Status } from '../domain/lifecycle/state';
import { AppError } from '../errors';
import { foldPublic, type PublicEntry, type PublicStatus } from '../publication/timeline';
import { serviceEvents, toLifecycleEvent } from '../repositories/events';
import { noticesOfService } from '../repositories/notices';
import { findService } from '../repositories/services';
import type { FieldDef, OpDef, RunContext } from './operation-defs';

export type FormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;

/** How many rows of disclosure items a form shows: what was sent, or at least this many. */
export const MIN_ITEM_ROWS = 2;
export const ITEM_PARTS = ['key', 'labelJa', 'labelEn', 'valueJa', 'valueEn', 'withheld', 'withheldReason'] as const;
const ITEM_TEXT = ['key', 'labelJa', 'labelEn', 'valueJa', 'valueEn', 'withheldReason'] as const;

/** The posted form as plain strings (files and repeated names are not for these forms). */
export function formValues(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf' && !k.startsWith('_')) out[k.slice(0, 200)] = v;
  return out;
}

/** The rows of an items field that were sent (by their index in the form). */
export function itemRows(name: string, form: FormValues): number[] {
  const rows = new Set<number>();
  const re = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d{1,3})\\.`);
  for (const k of Object.keys(form)) {
    const m = re.exec(k);
    if (m) rows.add(Number(m[1]));
  }
  return [...rows].sort((a, b) => a - b);
}

function setPath(out: Record<string, any>, path: string, value: unknown) {
  const parts = path.split('.');
  let o = out;
  for (const p of parts.slice(0, -1)) o = o[p] ??= {};
  o[parts.at(-1)!] = value;
}

const blank = (s: string | undefined) => (s ?? '').trim() === '';

function fieldValue(f: FieldDef, form: FormValues, rowsOf: Map<string, number[]>): unknown {
  const s = form[f.name] ?? '';
  switch (f.kind) {
    case 'checkbox':
      return s === 'on';
    case 'lines':
      return s
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
    case 'select':
      if (f.optional && s === '') return null;
      return f.numeric && /^\d{1,2}$/.test(s) ? Number(s) : s;
    case 'items': {
      // empty rows are left out; the rows kept remember where they were, for the errors
      const kept = itemRows(f.name, form).filter((i) => ITEM_TEXT.some((p) => !blank(form[`${f.name}.${i}.${p}`])));
      rowsOf.set(f.name, kept);
      return kept.map((i) => {
        const v = (p: string) => form[`${f.name}.${i}.${p}`] ?? '';
        const orNull = (p: string) => (blank(v(p)) ? null : v(p));
        return {
          key: v('key').trim(),
          labelJa: v('labelJa'),
          labelEn: orNull('labelEn'),
          valueJa: v('valueJa'),
          valueEn: orNull('valueEn'),
          withheld: v('withheld') === 'on',
          withheldReason: orNull('withheldReason'),
        };
      });
    }
    default:
      return f.optional && blank(s) ? null : s;
  }
}

/** An error's path in the body → the form control it belongs to (an item's row as the form numbered it). */
function controlOf(def: OpDef, path: string, rowsOf: Map<string, number[]>): string {
  for (const [name, rows] of rowsOf) {
    const m = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d+)\\.(\\w+)`).exec(path);
    if (m) return `${name}.${rows[Number(m[1])] ?? 0}.${m[2]}`;
  }
  const field = def.fields.filter((f) => path === f.name || path.startsWith(`${f.name}.`)).sort((a, b) => b.name.length - a.name.length)[0];
  return field?.name ?? '_form';
}

export type Read = { ok: true; input: unknown; rowsOf: Map<string, number[]> } | { ok: false; errors: FieldErrors };

/** The form → the request body, validated by the API's schema; each error next to its control. */
export function readForm(def: OpDef, form: FormValues): Read {
  const rowsOf = new Map<string, number[]>();
  let body: Record<string, any> = {};
  for (const f of def.fields) setPath(body, f.name, fieldValue(f, form, rowsOf));
  if (def.shape) body = def.shape(body);
  const r = (def.schema as z.ZodType).safeParse(body);
  if (r.success) return { ok: true, input: r.data, rowsOf };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const control = controlOf(def, issue.path.map(String).join('.'), rowsOf);
    errors[control] ??= issue.message;
  }
  return { ok: false, errors };
}

/** A domain refusal of a field (`invalid`, or a named thing not found) shown at its control; anything else is not. */
export function domainFieldError(def: OpDef, err: AppError, rowsOf: Map<string, number[]>): FieldErrors | null {
  if (err.kind !== 'invalid' && !(err.kind === 'not_found' && err.field && err.field !== 'service')) return null;
  const path = err.field ? (def.fieldOf ? def.fieldOf(err.field) : err.field) : '_form';
  return { [controlOf(def, path, rowsOf)]: err.message };
}

export interface Preview {
  serviceId: string;
  number: string | null;
  before: { status: Status | null; validThrough: string | null; inForceThrough: string | null; public: PublicStatus | null };
  after: { status: Status | null; validThrough: string | null; inForceThrough: string | null; public: PublicStatus | null };
  events: { type: string; article: string | null; payload: Record<string, unknown> }[];
  /** What the public pages would add (the publication's own fold, before against after). */
  published: PublicEntry[];
  /** The written notices queued: their kind and subject, and how many addresses (the addresses are confidential). */
  notices: { kind: string; subject: string; recipients: number; dead: boolean }[];
  proposed: boolean;
}

class DryRun extends Error {
  constructor(readonly value: Preview) {
    super('dry run: rolled back');
  }
}

async function facts(tx: Tx, serviceId: string | null, now: Date) {
  const events = serviceId ? await serviceEvents(tx, serviceId) : [];
  const state = foldEvents(events);
  return {
    events,
    fact: {
      status: serviceId ? statusOf(state, now) : null,
      validThrough: currentPeriod(state)?.validThrough ?? null,
      inForceThrough: inForceThrough(state),
      public: foldPublic(events, now).status,
    },
  };
}

async function chainHead(tx: Tx): Promise<number> {
  return (await tx.selectFrom('event_chain_head').select('last_id').where('id', '=', 1).executeTakeFirstOrThrow()).last_id;
}

/** What the operation would do, by running it and rolling it back. The domain's refusals propagate as they are. */
export async function previewOperation(ctx: LifecycleContext, def: OpDef, serviceId: string | null, input: unknown, rc: RunContext): Promise<Preview> {
  try {
    await inTransaction(ctx.db, async (tx) => {
      const now = ctx.clock.now();
      const head = await chainHead(tx);
      const before = await facts(tx, serviceId, now);
      const noticesBefore = new Set(serviceId ? (await noticesOfService(tx, serviceId)).map((n) => n.id) : []);
      const r = await def.run({ ...ctx, db: tx }, serviceId ?? '', input, rc);
      const sid = r.serviceId ?? serviceId!;
      const after = await facts(tx, sid, now);
      const written = (await tx.selectFrom('events').selectAll().where('id', '>', head).orderBy('id').execute()).map(toLifecycleEvent);
      const shown = new Set(foldPublic(before.events, now).entries.map((e) => e.id));
      const notices = (await noticesOfService(tx, sid)).filter((n) => !noticesBefore.has(n.id));
      throw new DryRun({
        serviceId: sid,
        number: (await findService(tx, sid))?.number ?? null,
        before: before.fact,
        after: after.fact,
        events: written.map((e) => ({ type: e.type, article: e.article, payload: e.payload as never })),
        published: foldPublic(after.events, now).entries.filter((e) => !shown.has(e.id)),
        notices: notices.map((n) => ({
          kind: n.kind,
          subject: n.subject,
          recipients: (typeof n.recipients === 'string' ? (JSON.parse(n.recipients) as string[]) : (n.recipients as string[])).length,
          dead: n.status === 'dead',
        })),
        proposed: r.proposed ?? false,
      });
    });
  } catch (err) {
    if (err instanceof DryRun) return err.value;
    throw err;
  }
  throw new AppError('unavailable', 'the preview did not run');
}

/** The operation, committed: one transaction (a new application registers its vendor and service in it too). */
export async function commitOperation(ctx: LifecycleContext, def: OpDef, serviceId: string | null, input: unknown, rc: RunContext) {
  return inTransaction(ctx.db as Db, async (tx) => {
    const r = await def.run({ ...ctx, db: tx }, serviceId ?? '', input, rc);
    const sid = r.serviceId ?? serviceId!;
    return { serviceId: sid, number: (await findService(tx, sid))?.number ?? null, proposed: r.proposed ?? false };
  });
}
