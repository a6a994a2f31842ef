import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock';
import type { Database } from '../../src/db/database';
import { jstDate } from '../../src/domain/calendar';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import { lapse, revoke, terminate } from '../../src/domain/lifecycle/closure';
import type { LifecycleContext } from '../../src/domain/lifecycle/context';
import { EVENT_ARTICLES, type EventPayloads, type EventType, type LifecycleEvent, type RevocationGround } from '../../src/domain/lifecycle/events';
import { extend, fileRenewal } from '../../src/domain/lifecycle/renewal';
import { currentPeriod, foldEvents, servesMark, statusAt } from '../../src/domain/lifecycle/state';
import { inRenewalWindow, revokedWithinYearBefore, validThrough } from '../../src/domain/validity';
import { AppError } from '../../src/errors';
import { serviceEvents } from '../../src/repositories/events';
import { servicePeriods } from '../../src/repositories/services';
import { testDatabase } from '../support/db';
import { dateToDay, dayOf, dayToDate, modelServesMark, modelStatus, newModel, step, type Model, type Operation } from './model';
import { chooseOperation, describeDay, probes, start, steps, waitUntil, type Step } from './sequences';

/** How many sequences each half runs; both well inside the time budget on PGlite. */
const PURE_RUNS = 1500;
const DATABASE_RUNS = 150;

function expectSameStatus(events: LifecycleEvent[], m: Model, t: number, where: string) {
  const expected = modelStatus(m, t);
  const actual = statusAt(events, new Date(t));
  expect(actual, `${where}: status at ${describeDay(t)}`).toBe(expected);
  expect(servesMark(actual), `${where}: mark served at ${describeDay(t)}`).toBe(modelServesMark(expected));
}

/**
 * The pure half: the model's accepted operations become the events the commands write, with every value the
 * rules compute (validity, Art. 8 look-back, Art. 12.1 window, renewal continuation) taken from src/domain; the
 * domain's fold (statusAt) must then agree with the model at every probe, and still agree about the past at the end.
 */
function runPure(startMs: number, seq: Step[]) {
  let m = newModel(dayOf(startMs)); // the service's first events (registration) are on its first day
  let now = startMs;
  const events: LifecycleEvent[] = [];
  const history: [number, ReturnType<typeof modelStatus>][] = [];
  const emit = <K extends EventType>(type: K, payload: EventPayloads[K], article?: string) =>
    events.push({ id: events.length + 1, type, at: new Date(now), actor: 'model', article: article ?? EVENT_ARTICLES[type], payload } as LifecycleEvent);
  for (const [i, s] of seq.entries()) {
    if (s.kind === 'wait') {
      now = waitUntil(m, now, s.w);
      continue;
    }
    now += 60_000;
    const o = chooseOperation(m, now, s);
    const where = `step ${i} (${JSON.stringify(o)}) at ${describeDay(now)}`;
    const state = foldEvents(events);
    const today = jstDate(new Date(now));
    // the received or effective day the operation carries (the entry day when it carries none)
    const entered = 'daysAgo' in o ? dayToDate(dayOf(now) - o.daysAgo) : today;
    const period = currentPeriod(state);
    const out = step(m, o, now);
    if (o.op === 'renew' && !o.override && modelStatus(m, now) === 'certified') {
      const last = m.period!.lastDay;
      const day = dateToDay(entered);
      expect(inRenewalWindow(period!.validThrough, entered), `${where}: Art. 12.1 window`).toBe(day >= last - 60 && day <= last - 30);
    }
    if (out.ok) {
      switch (o.op) {
        case 'apply': {
          emit('service.applied', { kind: 'initial', appliedOn: entered, documents: [], feePaid: true });
          const art8 = state.lastRevocation !== null && revokedWithinYearBefore(state.lastRevocation.at, entered);
          expect(art8, `${where}: Art. 8 look-back`).toBe(out.next.art8);
          if (art8) emit('service.refused', { kind: 'initial', reason: 'Art. 8', notice: 'Art. 8', committeeOpinion: null, article: 'Art. 8' }, 'Art. 8');
          break;
        }
        case 'certify': {
          const renewal = state.application === null && state.renewal !== null;
          const certifiedOn = renewal && period && today <= period.validThrough ? period.validThrough : today;
          const through = validThrough(certifiedOn);
          expect([dateToDay(certifiedOn), dateToDay(through)], `${where}: Art. 9.1 period`).toEqual([out.certified!.certifiedDay, out.certified!.lastDay]);
          emit('service.certified', {
            kind: renewal ? 'renewal' : 'initial',
            number: 'MD-0001-0000',
            certifiedOn,
            validThrough: through,
            notice: 'n',
            committeeOpinion: null,
          });
          break;
        }
        case 'refuse':
          emit('service.refused', { kind: state.application ? 'initial' : 'renewal', reason: 'r', notice: 'n', committeeOpinion: null, article: 'Art. 6.4' });
          break;
        case 'renew':
          emit('renewal.filed', { filedOn: entered, selfDeclaration: { usedMarkCorrectly: true, statement: 's' }, overrideReason: o.override ? 'o' : null });
          break;
        case 'extend':
          emit('renewal.extended', { until: dayToDate(m.period!.lastDay + o.daysAfterExpiry), reason: 'r' });
          break;
        case 'revoke':
          emit('service.revoked', { ground: o.ground as RevocationGround, reason: 'r', notice: 'n', noticeSentBy: 'post' });
          break;
        case 'terminate':
          emit('service.terminated', { terminatedOn: today, receivedOn: today, certificateReturned: false });
          break;
        case 'lapse':
          emit('service.lapsed', { cause: 'merger', effectiveOn: entered, note: 'n' });
          break;
      }
      m = out.next;
    }
    for (const t of probes(m, now)) expectSameStatus(events, m, t, where);
    history.push([now, modelStatus(m, now)]);
  }
  // Later events never change what the status was at an earlier instant.
  for (const [t, expected] of history) expect(statusAt(events, new Date(t)), `history at ${describeDay(t)}`).toBe(expected);
}

function command(ctx: LifecycleContext, id: string, o: Operation, m: Model, now: number) {
  // a day staff give only when it differs from the day of entry
  const entered = 'daysAgo' in o && o.daysAgo > 0 ? dayToDate(dayOf(now) - o.daysAgo) : null;
  switch (o.op) {
    case 'apply':
      return apply(ctx, id, { documents: ['申請書'], feePaid: true, items: [], receivedOn: entered });
    case 'certify':
      return decide(ctx, id, { outcome: 'certify', notice: 'n', reason: null, committeeOpinion: null, decidedOn: null });
    case 'refuse':
      return decide(ctx, id, { outcome: 'refuse', notice: 'n', reason: 'r', committeeOpinion: null, decidedOn: null });
    case 'renew':
      return fileRenewal(ctx, id, {
        selfDeclaration: { usedMarkCorrectly: true, statement: 's' },
        overrideReason: o.override ? 'staff override' : null,
        receivedOn: entered,
      });
    case 'extend':
      return extend(ctx, id, { until: dayToDate((m.period?.lastDay ?? dayOf(now)) + o.daysAfterExpiry), reason: 'r' });
    case 'revoke':
      return revoke(ctx, id, { ground: o.ground as RevocationGround, reason: 'r', notice: 'n', noticeSentBy: 'post' });
    case 'terminate':
      return terminate(ctx, id, { certificateReturned: false });
    case 'lapse':
      return lapse(ctx, id, { cause: 'merger', note: 'n', effectiveOn: entered });
  }
}

/** The database half: the real commands, one transaction each, must accept and refuse as the model does. */
async function runOnDatabase(database: Database, vendorId: string, startMs: number, seq: Step[]) {
  const clock = fixedClock(new Date(startMs));
  const ctx: LifecycleContext = { db: database.db, clock, actor: 'property' };
  const { id } = await registerService(ctx, { vendorId, nameJa: 'サービス', nameEn: null, origins: [], continues: null }); // each sequence is an offering of its own
  const events = await serviceEvents(database.db, id);
  const certified: { certifiedDay: number; lastDay: number }[] = [];
  let m = newModel(dayOf(startMs)); // the service's first events (registration) are on its first day
  let now = startMs;
  let number: string | null = null;
  for (const [i, s] of seq.entries()) {
    if (s.kind === 'wait') {
      now = waitUntil(m, now, s.w);
      continue;
    }
    now += 60_000;
    clock.set(new Date(now));
    const o = chooseOperation(m, now, s);
    const where = `step ${i} (${JSON.stringify(o)}) at ${describeDay(now)}`;
    const out = step(m, o, now);
    const done = await command(ctx, id, o, m, now).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (!done.ok) {
      expect(out.ok, `${where}: refused by the code (${(done.e as Error).message}) but allowed by the model`).toBe(false);
      expect(done.e).toBeInstanceOf(AppError);
      const err = done.e as AppError;
      expect(['forbidden_transition', 'invalid'], where).toContain(err.kind);
      if (!out.ok && out.article) expect(err.article, where).toBe(out.article);
    } else {
      expect(out.ok, `${where}: allowed by the code but refused by the model`).toBe(true);
      if (!out.ok) return;
      events.push(...done.r.events);
      const result = done.r.result as { number?: string; refusedUnderArt8?: boolean } | undefined;
      if (out.certified) {
        certified.push(out.certified);
        number ??= result!.number!;
        expect(result!.number, `${where}: the number is the service's for life`).toBe(number);
      }
      if (o.op === 'apply') expect(result!.refusedUnderArt8, `${where}: Art. 8`).toBe(out.next.art8);
      m = out.next;
    }
    for (const t of probes(m, now)) expectSameStatus(events, m, t, where);
  }
  expect((await serviceEvents(database.db, id)).map((e) => e.id)).toEqual(events.map((e) => e.id));
  const periods = await servicePeriods(database.db, id);
  expect(periods.map((p) => [dateToDay(p.certified_on), dateToDay(p.valid_through)])).toEqual(certified.map((c) => [c.certifiedDay, c.lastDay]));
  if (number) expect(number.slice(-4)).toBe(dayToDate(certified[0]!.certifiedDay).slice(2, 7).replace('-', ''));
}

describe('the lifecycle against an independent reference model (property-based)', () => {
  let database: Database;
  let vendorId: string;
  beforeAll(async () => {
    database = await testDatabase();
    vendorId = (
      await registerVendor({ db: database.db, clock: fixedClock('2023-01-01T00:00:00Z'), actor: 'property' }, { nameJa: 'ベンダー', nameEn: null, contact: {} })
    ).id;
  });
  afterAll(async () => database.close());

  it(`derives the same status as the model at every probed instant over ${PURE_RUNS} random sequences (fold, Art. 8, 9.1, 12.1, 12.2)`, () => {
    fc.assert(
      fc.property(start, steps, (s, seq) => runPure(s, seq)),
      { numRuns: PURE_RUNS },
    );
  });

  it(`accepts and refuses as the model does, with the same article, over ${DATABASE_RUNS} random sequences of real commands on the database`, async () => {
    await fc.assert(
      fc.asyncProperty(start, steps, (s, seq) => runOnDatabase(database, vendorId, s, seq)),
      { numRuns: DATABASE_RUNS },
    );
  }, 240_000); // about 10 s on an idle machine; the margin is for a machine shared with other work
});
