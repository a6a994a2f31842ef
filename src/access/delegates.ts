/**
 * Art. 19: the bodies to whom the certification body delegates certification work. Naming one publishes it
 * (19.2, the registry's list of delegates); ending a delegation revokes its delegate tokens and their
 * assignments in the same transaction. Every write is on the chain.
 */
import { randomUUID } from 'node:crypto';
import { inTransaction, type Db } from '../db/database';
import { jstDate, type CalendarDate } from '../domain/calendar';
import { AppError } from '../errors';
import { delegates, endDelegate, findDelegate, insertDelegate, type DelegateRow } from '../repositories/delegates';
import { recordOnChain, recordsOnChain } from '../repositories/records';
import * as staff from '../repositories/staff';
import type { AccessContext } from './context';

export interface DelegateView {
  id: string;
  nameJa: string;
  nameEn: string | null;
  scopeJa: string;
  scopeEn: string | null;
  delegatedOn: CalendarDate;
  endedOn: CalendarDate | null;
}

const view = (d: DelegateRow): DelegateView => ({
  id: d.id,
  nameJa: d.name_ja,
  nameEn: d.name_en,
  scopeJa: d.scope_ja,
  scopeEn: d.scope_en,
  delegatedOn: d.delegated_on,
  endedOn: d.ended_on,
});

export async function listDelegates(db: Db): Promise<DelegateView[]> {
  return (await delegates(db)).map(view);
}

/** A day entered for a delegation: today when absent, never in the future. */
function enteredOn(ctx: AccessContext, day: CalendarDate | null, field: string): CalendarDate {
  const today = jstDate(ctx.clock.now());
  if (day === null) return today;
  if (day > today) throw new AppError('invalid', `${field} cannot be in the future (today is ${today} JST)`, { field });
  return day;
}

/** Art. 19.1, 19.2: delegates work to a body and publishes its name from then on. */
export async function nameDelegate(
  ctx: AccessContext,
  input: { nameJa: string; nameEn: string | null; scopeJa: string; scopeEn: string | null; delegatedOn: CalendarDate | null },
): Promise<DelegateView> {
  const row: DelegateRow = {
    id: randomUUID(),
    name_ja: input.nameJa,
    name_en: input.nameEn,
    scope_ja: input.scopeJa,
    scope_en: input.scopeEn,
    delegated_on: enteredOn(ctx, input.delegatedOn, 'delegatedOn'),
    ended_on: null,
  };
  await inTransaction(ctx.db, async (tx) => {
    await insertDelegate(tx, row);
    await recordOnChain(tx, 'delegate', 'delegate.named', row.id, ctx.actor, ctx.clock.now());
  });
  return view(row);
}

/** Ends a delegation: the published list says until when, and its delegate tokens stop working now. */
export async function endDelegation(ctx: AccessContext, id: string, endedOn: CalendarDate | null): Promise<DelegateView> {
  const body = await findDelegate(ctx.db, id);
  if (!body) throw new AppError('not_found', `no delegated body ${id}`, { field: 'delegate' });
  const day = enteredOn(ctx, endedOn, 'endedOn');
  if (day < body.delegated_on) throw new AppError('invalid', `endedOn cannot precede the delegation (${body.delegated_on})`, { field: 'endedOn' });
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await endDelegate(tx, id, day))) throw new AppError('conflict', `the delegation to ${body.name_ja} has ended already`, { field: 'delegate' });
    await recordOnChain(tx, 'delegate', 'delegate.ended', id, ctx.actor, at);
    for (const tokenId of await staff.liveTokensOfDelegate(tx, id)) {
      await staff.revokeStaffToken(tx, tokenId, at);
      await recordOnChain(tx, 'staff_token', 'staff_token.revoked', tokenId, ctx.actor, at);
      await recordsOnChain(tx, 'staff_assignment', 'staff_assignment.ended', await staff.endAssignments(tx, tokenId, null, at), ctx.actor, at);
    }
  });
  return view({ ...body, ended_on: day });
}
