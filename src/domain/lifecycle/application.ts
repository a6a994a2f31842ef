import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import { checkContinuity, offeringRevocations } from './offering';
import { disclosureDigests } from '../disclosure';
import { inTransaction } from '../../db/database';
import { AppError, invalid } from '../../errors';
import { appendEvents } from '../../repositories/events';
import * as services from '../../repositories/services';
import type { DisclosureItemInput } from '../../repositories/services';
import type { CalendarDate } from '../calendar';
import { revokedWithinYearBefore, validThrough } from '../validity';
import { newId, onService, requireStatus, type LifecycleContext, type ServiceView, enteredDay } from './context';
import type { NewLifecycleEvent } from './events';
import { currentPeriod } from './state';

/** The scheme prefix of certification numbers (DOMAIN.md: prefix, 4-digit serial, year-month of first certification). */
export const NUMBER_PREFIX = 'MD';
export const NUMBER_PATTERN = /^MD-\d{4}-\d{4}$/;

export function certificationNumber(serial: number, firstCertifiedOn: CalendarDate): string {
  return `${NUMBER_PREFIX}-${String(serial).padStart(4, '0')}-${firstCertifiedOn.slice(2, 4)}${firstCertifiedOn.slice(5, 7)}`;
}

export interface VendorInput {
  nameJa: string;
  nameEn: string | null;
  contact: Record<string, unknown>;
  /** Where written notices go (several allowed); none: notices wait as dead letters until staff add one. */
  noticeEmails?: string[];
  /** The language of its notices: Japanese unless the vendor chose English. */
  language?: 'ja' | 'en';
}

export async function registerVendor(ctx: LifecycleContext, input: VendorInput) {
  return inTransaction(ctx.db, async (tx) => {
    const id = newId(ctx);
    const at = ctx.clock.now();
    await services.insertVendor(tx, { id, ...input, at });
    await appendEvents(tx, null, ctx.actor, at, [{ type: 'vendor.registered', payload: { vendorId: id } }]);
    ctx.signal?.throwIfAborted();
    return { id };
  });
}

/** Where a vendor's written notices go, and in which language; on the chain as a fingerprint (the addresses are confidential). */
export async function changeVendorNoticeSettings(ctx: LifecycleContext, vendorId: string, input: { noticeEmails: string[]; language: 'ja' | 'en' }) {
  return inTransaction(ctx.db, async (tx) => {
    if (!(await services.updateVendorNoticeSettings(tx, vendorId, input))) throw new AppError('not_found', `no vendor ${vendorId}`, { field: 'vendor' });
    const fingerprint = createHash('sha256')
      .update(canonicalJson([vendorId, input.noticeEmails, input.language]))
      .digest('hex');
    await appendEvents(tx, null, ctx.actor, ctx.clock.now(), [{ type: 'vendor.notice_settings_changed', payload: { vendorId, fingerprint } }]);
    ctx.signal?.throwIfAborted();
  });
}

/**
 * Registers a service. Art. 8 on the offering (offering.ts): when the vendor had a similar service revoked within
 * the year, `continues` must say whether this one continues it (its id) or is new (null).
 */
export async function registerService(
  ctx: LifecycleContext,
  input: { vendorId: string; nameJa: string; nameEn: string | null; origins: string[]; continues?: string | null },
) {
  return inTransaction(ctx.db, async (tx) => {
    if (!(await services.findVendor(tx, input.vendorId))) throw new AppError('not_found', 'vendor not found', { field: 'vendorId' });
    const id = newId(ctx);
    const at = ctx.clock.now();
    const continues = await checkContinuity(tx, input.vendorId, { ja: input.nameJa, en: input.nameEn }, input.continues, at);
    await services.insertService(tx, { id, vendorId: input.vendorId, nameJa: input.nameJa, nameEn: input.nameEn, at });
    await services.replaceOrigins(tx, id, input.origins, at);
    await appendEvents(tx, id, ctx.actor, at, [
      { type: 'service.registered', payload: continues ? { vendorId: input.vendorId, continues } : { vendorId: input.vendorId } },
      { type: 'service.origins_changed', payload: { origins: input.origins } },
    ]);
    ctx.signal?.throwIfAborted();
    return { id };
  });
}

export interface ApplicationInput {
  documents: string[];
  feePaid: boolean;
  items: DisclosureItemInput[];
  /** The day the application arrived (JST); the day of entry when absent. Art. 8 looks back from it. */
  receivedOn?: CalendarDate | null;
}

/**
 * Art. 4: an application with its documents and fee (Art. 5, not refundable). Art. 8: a service revoked within
 * one year before the application date is refused at once, with that reason.
 */
export async function apply(ctx: LifecycleContext, serviceId: string, input: ApplicationInput) {
  if (!input.feePaid) throw new AppError('invalid', 'the examination fee must be paid with the application (Art. 5)', { field: 'feePaid', article: 'Art. 5' });
  checkDisclosureItems(input.items);
  return onService(ctx, serviceId, async (v) => {
    requireStatus(v, [null, 'refused', 'expired', 'revoked', 'terminated', 'lapsed'], 'Art. 4', 'an application');
    const version = nextDisclosureVersion(v);
    const appliedOn = enteredDay(v, input.receivedOn, 'receivedOn', 'the day the application arrived');
    const events: NewLifecycleEvent[] = [
      { type: 'service.applied', payload: { kind: 'initial', appliedOn, documents: input.documents, feePaid: true } },
      {
        type: 'disclosure.changed',
        payload: { version, changedKeys: input.items.map((i) => i.key), note: 'application content', items: disclosureDigests(input.items) },
      },
    ];
    // Art. 8 looks back at the offering: this service's revocations and those of the services it continues.
    const revokedAt = (await offeringRevocations(v.tx, v.events)).find((at) => revokedWithinYearBefore(at, appliedOn));
    if (revokedAt) {
      const reason = `certification was revoked on ${revokedAt.toISOString()} (within one year before the application date)`;
      events.push({
        type: 'service.refused',
        article: 'Art. 8',
        payload: { kind: 'initial', reason, notice: `Art. 8: ${reason}`, committeeOpinion: null, article: 'Art. 8' },
      });
    }
    return {
      events,
      project: async (tx, written) => {
        await services.insertDisclosureVersion(tx, serviceId, version, input.items, written[1]!.id);
        return { refusedUnderArt8: events.length === 3 };
      },
    };
  });
}

/** Item keys are unique within a version (they name the items of form B); a repeat would be a storage error. */
export function checkDisclosureItems(items: readonly DisclosureItemInput[]) {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (seen.has(it.key)) throw invalid(`items.${i}.key`, `the key ${it.key} appears twice`);
    seen.add(it.key);
    if (it.withheld && !it.withheldReason?.trim())
      throw new AppError('invalid', 'a withheld item needs the reason for withholding it', { field: `items.${i}.withheldReason`, article: 'Art. 11.2' });
  });
}

/** Art. 13.1: versions are numbered by the change events, one per application or change notice. */
export function nextDisclosureVersion(v: ServiceView): number {
  return v.events.filter((e) => e.type === 'disclosure.changed').length + 1;
}

export interface DecisionInput {
  outcome: 'certify' | 'refuse';
  /** Art. 6.4: what was notified to the applicant. */
  notice: string;
  /** Art. 6.4: required when refusing. */
  reason: string | null;
  /** Art. 7: the committee's opinion, if heard. */
  committeeOpinion: string | null;
  /** The day of the decision (JST); today when absent. Never in the future. */
  decidedOn: CalendarDate | null;
}

function decisionDay(v: ServiceView, input: DecisionInput): CalendarDate {
  const day = input.decidedOn ?? v.today;
  if (day > v.today) throw invalid('decidedOn', 'a decision cannot be dated in the future');
  return day;
}

/** Art. 6.1, 6.4, 6.5; for renewals Art. 12.3. Decides the pending application or renewal. */
export async function decide(ctx: LifecycleContext, serviceId: string, input: DecisionInput) {
  if (input.outcome === 'refuse' && !input.reason?.trim()) {
    throw new AppError('invalid', 'a refusal needs the reason notified to the applicant (Art. 6.4)', { field: 'reason', article: 'Art. 6.4' });
  }
  return onService(ctx, serviceId, async (v) => {
    const renewal = v.state.application === null && v.state.renewal !== null && !v.state.closure;
    if (!renewal) {
      // Art. 8: an application refused for a revocation within the year cannot be certified.
      const art8 = v.status === 'refused' && v.events.findLast((e) => e.type === 'service.refused')?.article === 'Art. 8';
      if (art8)
        throw new AppError('forbidden_transition', 'the application was refused under Art. 8 (revocation within one year before it) and cannot be certified', {
          article: 'Art. 8',
        });
      requireStatus(v, ['applied'], 'Art. 6.1', 'a decision');
    }
    const kind = renewal ? 'renewal' : 'initial';
    const day = decisionDay(v, input);
    if (renewal && day < v.state.renewal!.filedOn) throw invalid('decidedOn', 'a decision cannot precede the renewal it decides');
    if (input.outcome === 'refuse') {
      return {
        events: [
          {
            type: 'service.refused',
            payload: { kind, reason: input.reason!, notice: input.notice, committeeOpinion: input.committeeOpinion, article: 'Art. 6.4' },
          },
        ],
      };
    }
    if (!renewal && day < v.state.application!.appliedOn) throw invalid('decidedOn', 'a decision cannot precede the application');
    // A renewal decided before expiry continues the period: the new one is reckoned from the old last day.
    const previous = currentPeriod(v.state);
    const certifiedOn = renewal && previous && day <= previous.validThrough ? previous.validThrough : day;
    let number = v.service.number;
    let serial = v.service.serial;
    if (!number) {
      serial = await services.nextSerial(v.tx);
      number = certificationNumber(serial, certifiedOn);
    }
    const through = validThrough(certifiedOn);
    return {
      events: [
        {
          type: 'service.certified',
          article: renewal ? 'Art. 12.3' : 'Art. 6.1',
          payload: { kind, number, certifiedOn, validThrough: through, notice: input.notice, committeeOpinion: input.committeeOpinion },
        },
      ],
      project: async (tx, written) => {
        if (!v.service.number) await services.assignNumber(tx, serviceId, serial!, number!);
        await services.insertPeriod(tx, {
          id: newId(ctx),
          service_id: serviceId,
          seq: v.state.periods.length + 1,
          kind,
          certified_on: certifiedOn,
          valid_through: through,
          event_id: written[0]!.id,
        });
        return { number: number!, certifiedOn, validThrough: through };
      },
    };
  });
}

/**
 * Art. 7, 6.2: a committee member's opinion on the application or renewal awaiting a decision. Kept on the
 * chain as the member's event, beside the decision; never public (Art. 20).
 */
export async function giveOpinion(ctx: LifecycleContext, serviceId: string, input: { opinion: string }) {
  return onService(ctx, serviceId, (v) => {
    const renewal = v.state.application === null && v.state.renewal !== null && !v.state.closure;
    if (!renewal) requireStatus(v, ['applied'], 'Art. 7', 'a committee opinion');
    return { events: [{ type: 'committee.opinion_given', payload: { kind: renewal ? 'renewal' : 'initial', opinion: input.opinion } }] };
  });
}
