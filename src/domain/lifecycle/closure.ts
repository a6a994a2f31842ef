import { AppError } from '../../errors';
import type { CalendarDate } from '../calendar';
import type { Certifier } from '../../config';
import { revocationLetterPdf } from '../../notices/pdf';
import { insertNoticeFile } from '../../repositories/notices';
import { findVendor } from '../../repositories/services';
import { ja } from '../../views/messages-ja';
import { enteredDay, onService, requireStatus, type LifecycleContext, type ServiceView } from './context';
import type { LapseCause, RevocationGround, NoticeDelivery } from './events';

const IN_FORCE = ['certified', 'renewal_pending'] as const;

/**
 * Art. 17.1: revocation on one of the grounds (1)–(9). Art. 17.2: the written notice is recorded only when one was
 * produced: its text and how it went out. Without one, the event says `not_sent`; nothing claims a notice.
 */
export interface RevocationInput {
  ground: RevocationGround;
  reason: string;
  notice?: string | null;
  noticeSentBy?: NoticeDelivery;
}

export async function revoke(
  ctx: LifecycleContext,
  serviceId: string,
  /** `proposalId`, `caseId`: the approved proposal and the misuse case it came from (issue 14), named in the event. */
  input: RevocationInput & { proposalId?: string; caseId?: string | null },
) {
  const { notice, noticeSentBy } = checkRevocation(input);
  return onService(ctx, serviceId, async (v) => {
    requireStatus(v, [...IN_FORCE, 'expired'], 'Art. 17.1', 'a revocation');
    // Art. 17.2: with notices on, the written notice is a PDF letter, stored and named in the event by its hash
    const letter = ctx.notices ? await revocationLetter(v, input.ground, input.reason, notice, ctx.notices.certifier) : undefined;
    const linked = input.proposalId ? { proposalId: input.proposalId, caseId: input.caseId ?? null } : {};
    return {
      events: [
        {
          type: 'service.revoked',
          article: `Art. 17.1(${input.ground})`,
          payload: { ground: input.ground, reason: input.reason, notice, noticeSentBy, ...(letter ? { letter } : {}), ...linked },
        },
      ],
    };
  });
}

/** The statuses a revocation may end (Art. 17.1). */
export const REVOCABLE = [...IN_FORCE, 'expired'] as const;

/** Art. 17.1, 17.2: what a revocation needs, checked before anything is written (and before a proposal is made). */
export function checkRevocation(input: RevocationInput): { notice: string | null; noticeSentBy: NoticeDelivery } {
  const noticeSentBy = input.noticeSentBy ?? 'not_sent';
  const notice = input.notice?.trim() ? input.notice : null;
  if (noticeSentBy !== 'not_sent' && notice === null) {
    throw new AppError('invalid', 'a notice sent in writing needs its text (Art. 17.2)', { field: 'notice', article: 'Art. 17.2' });
  }
  if (noticeSentBy === 'not_sent' && notice !== null) {
    throw new AppError('invalid', 'say how the notice was sent (noticeSentBy), or leave its text out until it is sent (Art. 17.2)', {
      field: 'noticeSentBy',
      article: 'Art. 17.2',
    });
  }
  if (!Number.isInteger(input.ground) || input.ground < 1 || input.ground > 9) {
    throw new AppError('invalid', 'a revocation needs one of the grounds of Art. 17.1, (1) to (9)', { field: 'ground', article: 'Art. 17.1' });
  }
  if (!input.reason.trim()) throw new AppError('invalid', 'a revocation needs its reason (Art. 17.1, 17.3)', { field: 'reason', article: 'Art. 17.1' });
  return { notice, noticeSentBy };
}

async function revocationLetter(v: ServiceView, ground: RevocationGround, reason: string, text: string | null, certifier: Certifier) {
  const vendor = await findVendor(v.tx, v.service.vendor_id);
  const pdf = await revocationLetterPdf({
    number: v.service.number,
    service: { nameJa: v.service.name_ja },
    vendor: { nameJa: vendor?.name_ja ?? '' },
    ground,
    groundText: ja.grounds[ground],
    reason,
    text,
    revokedAt: v.now,
    certifier,
  });
  await insertNoticeFile(v.tx, { sha256: pdf.sha256, contentType: pdf.contentType, bytes: pdf.bytes });
  return { name: pdf.name, sha256: pdf.sha256 };
}

/** Art. 13.2: the vendor ended the service; Art. 13.3: the certificate comes with the notice. */
export async function terminate(
  ctx: LifecycleContext,
  serviceId: string,
  input: { certificateReturned: boolean; terminatedOn?: CalendarDate | null; receivedOn?: CalendarDate | null },
) {
  return onService(ctx, serviceId, (v) => {
    requireStatus(v, [...IN_FORCE, 'expired'], 'Art. 13.2', 'a termination notice');
    const terminatedOn = enteredDay(v, input.terminatedOn, 'terminatedOn', 'the day the service ended');
    const receivedOn = enteredDay(v, input.receivedOn, 'receivedOn', 'the day the termination notice arrived');
    return { events: [{ type: 'service.terminated', payload: { terminatedOn, receivedOn, certificateReturned: input.certificateReturned } }] };
  });
}

/** Art. 13.3, 10.8: the certificate returned after a termination, a revocation or a lapse. */
export async function returnCertificate(ctx: LifecycleContext, serviceId: string) {
  return onService(ctx, serviceId, (v) => {
    requireStatus(v, ['terminated', 'revoked', 'lapsed'], 'Art. 10.8', 'a certificate return');
    // Art. 10.8 after a revocation, 13.3 after a termination; a lapse (Art. 9.2) ends the certification too.
    const article = v.status === 'revoked' ? 'Art. 10.8' : v.status === 'lapsed' ? 'Art. 9.2' : 'Art. 13.3';
    if (v.state.closure!.certificateReturned) throw new AppError('conflict', 'the certificate has already been returned', { article });
    return { events: [{ type: 'certificate.returned', article, payload: { returnedOn: v.today } }] };
  });
}

/** Art. 9.2: a business transfer, merger, split or inheritance ends the certification by itself. */
export async function lapse(ctx: LifecycleContext, serviceId: string, input: { cause: LapseCause; note: string; effectiveOn?: CalendarDate | null }) {
  return onService(ctx, serviceId, (v) => {
    requireStatus(v, [...IN_FORCE], 'Art. 9.2', 'a lapse');
    // Art. 9.2: the certification lapsed on the day of the transfer, merger, split or inheritance; the mark stops
    // when the lapse is entered (statuses are never rewritten backwards: what was served was served).
    const effectiveOn = enteredDay(v, input.effectiveOn, 'effectiveOn', 'the day the certification lapsed');
    return { events: [{ type: 'service.lapsed', payload: { cause: input.cause, effectiveOn, note: input.note } }] };
  });
}
