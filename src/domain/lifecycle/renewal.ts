import { AppError, invalid } from '../../errors';
import type { CalendarDate } from '../calendar';
import { inForceAt, inRenewalWindow, latestExtension, MAX_EXTENSION_YEARS, renewalWindow } from '../validity';
import { onService, requireStatus, type LifecycleContext, enteredDay } from './context';
import type { SelfDeclaration } from './events';
import { currentPeriod, inForceThrough } from './state';

export interface RenewalInput {
  /** Art. 10.7: stored with the renewal. */
  selfDeclaration: SelfDeclaration;
  /** Staff may accept a renewal outside the window; the reason is recorded. */
  overrideReason: string | null;
  /** The day the renewal arrived (JST); the day of entry when absent. The Art. 12.1 window is judged on it. */
  receivedOn?: CalendarDate | null;
}

/** Art. 12.1: a renewal is filed from 60 to 30 days before expiry, with the Art. 10.7 self-declaration. */
export async function fileRenewal(ctx: LifecycleContext, serviceId: string, input: RenewalInput) {
  return onService(ctx, serviceId, (v) => {
    requireStatus(v, ['certified'], 'Art. 12.1', 'a renewal');
    const period = currentPeriod(v.state)!;
    const filedOn = enteredDay(v, input.receivedOn, 'receivedOn', 'the day the renewal arrived');
    if (!inRenewalWindow(period.validThrough, filedOn) && !input.overrideReason?.trim()) {
      const w = renewalWindow(period.validThrough);
      throw new AppError(
        'forbidden_transition',
        `a renewal may be filed from ${w.opensOn} to ${w.closesOn} (60 to 30 days before expiry on ${period.validThrough})`,
        {
          article: 'Art. 12.1',
          field: 'overrideReason',
          extra: { opensOn: w.opensOn, closesOn: w.closesOn, validThrough: period.validThrough },
        },
      );
    }
    return {
      events: [{ type: 'renewal.filed', payload: { filedOn, selfDeclaration: input.selfDeclaration, overrideReason: input.overrideReason?.trim() || null } }],
    };
  });
}

/**
 * Art. 12.2: staff keep a certification in force past expiry while the renewal is decided. The extension is
 * explicit and dated; it can only continue a certification still in force, never revive an expired one.
 */
export async function extend(ctx: LifecycleContext, serviceId: string, input: { until: CalendarDate; reason: string }) {
  return onService(ctx, serviceId, (v) => {
    requireStatus(v, ['renewal_pending'], 'Art. 12.2', 'an extension');
    const through = inForceThrough(v.state)!;
    const period = currentPeriod(v.state)!;
    if (input.until <= period.validThrough) throw invalid('until', `an extension must end after the validity period (${period.validThrough})`);
    if (input.until <= through) throw invalid('until', `the certification is already in force through ${through}`);
    const latest = latestExtension(period.validThrough); // Art. 12.2, bounded by certmark (validity.ts)
    if (input.until > latest) {
      throw new AppError('invalid', `an extension may run at most ${MAX_EXTENSION_YEARS} year past the validity period, to ${latest}`, {
        field: 'until',
        article: 'Art. 12.2',
        extra: { latest },
      });
    }
    if (!inForceAt(through, v.now)) throw new AppError('forbidden_transition', 'the certification is no longer in force', { article: 'Art. 12.2' });
    return { events: [{ type: 'renewal.extended', payload: { until: input.until, reason: input.reason } }] };
  });
}
