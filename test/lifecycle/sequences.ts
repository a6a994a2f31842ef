import fc from 'fast-check';
import { dayOf, forceUntil, midnight, step, type Model, type Operation } from './model';

/** Random sequences of lifecycle operations and waits, shared by both halves of the property test. */

export type Wait =
  | { wait: 'minutes'; n: number }
  | { wait: 'days'; n: number }
  /** To a day near the end of the force (the renewal window's edges, the last day, the day after), at a set time of day. */
  | { wait: 'toExpiry'; offsetDays: number; timeOfDay: number };

/**
 * An operation step says whether to try an operation the model allows now (most of the time) or one it refuses,
 * and which one: the model steers the sequence into every status, the code must answer as the model does.
 */
export type Step = { kind: 'op'; allowed: boolean; pick: number; ground: number; daysAfterExpiry: number; daysAgo: number } | { kind: 'wait'; w: Wait };

const HOUR = 3_600_000;

const operationStep = fc.record({
  kind: fc.constant('op' as const),
  allowed: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  pick: fc.nat(),
  ground: fc.integer({ min: 1, max: 9 }),
  daysAfterExpiry: fc.integer({ min: -3, max: 90 }),
  // mostly entered the day it happened; now and then a filing that arrived, or a lapse that took effect, earlier
  daysAgo: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 45 }) }),
});

/** The operation a step tries, given the model's state at the instant. */
export function chooseOperation(m: Model, now: number, s: Extract<Step, { kind: 'op' }>): Operation {
  const all: Operation[] = [
    { op: 'apply', daysAgo: s.daysAgo },
    { op: 'certify' },
    { op: 'refuse' },
    { op: 'renew', override: false, daysAgo: s.daysAgo },
    { op: 'renew', override: true, daysAgo: s.daysAgo },
    { op: 'extend', daysAfterExpiry: s.daysAfterExpiry },
    { op: 'revoke', ground: s.ground },
    { op: 'terminate' },
    { op: 'lapse', daysAgo: s.daysAgo },
  ];
  const allowed = all.filter((o) => step(m, o, now).ok);
  const refused = all.filter((o) => !step(m, o, now).ok);
  const from = (s.allowed && allowed.length) || !refused.length ? allowed : refused;
  // Weighted toward going on (certify, renew, extend) rather than ending the certification.
  const bag = from.flatMap((o) => Array<Operation>(o.op === 'renew' && o.override ? 2 : WEIGHT[o.op]).fill(o));
  return bag[s.pick % bag.length]!;
}

const WEIGHT: Record<Operation['op'], number> = { apply: 3, certify: 5, refuse: 1, renew: 6, extend: 4, revoke: 1, terminate: 1, lapse: 1 };

const wait: fc.Arbitrary<Wait> = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * 24 * 60 }).map((n) => ({ wait: 'minutes' as const, n })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 800 }).map((n) => ({ wait: 'days' as const, n })) },
  {
    weight: 4,
    arbitrary: fc.record({
      wait: fc.constant('toExpiry' as const),
      offsetDays: fc.oneof(fc.constantFrom(-61, -60, -30, -29, 0, 1), fc.integer({ min: -60, max: -30 }), fc.integer({ min: -70, max: 400 })),
      // 00:00, 10:00, 23:59 and 23:59:59.999 JST
      timeOfDay: fc.constantFrom(0, 10 * HOUR, 24 * HOUR - 60_000, 24 * HOUR - 1),
    }),
  },
);

export const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof({ weight: 1, arbitrary: operationStep }, { weight: 1, arbitrary: wait.map((w) => ({ kind: 'wait' as const, w })) }),
  { minLength: 4, maxLength: 24, size: 'max' },
);

/** Start instants from 2023 to 2030, with leap days and JST day boundaries among them. */
export const start: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: Date.parse('2023-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }),
  fc.constantFrom('2024-02-28T15:00:00Z', '2024-02-29T01:00:00Z', '2024-03-31T14:59:59.999Z', '2027-02-28T15:00:00Z', '2024-04-01T00:00:00Z').map(Date.parse),
);

/** Where a wait takes the clock; always forward, at least a minute. */
export function waitUntil(m: Model, now: number, w: Wait): number {
  switch (w.wait) {
    case 'minutes':
      return now + w.n * 60_000;
    case 'days':
      return now + w.n * 24 * HOUR;
    case 'toExpiry': {
      const last = forceUntil(m);
      const target = last === null ? now : midnight(last + w.offsetDays) + w.timeOfDay;
      return target > now ? target : now + HOUR;
    }
  }
}

/** The instants at which both sides are asked the status after a step: now and around the end of the force. */
export function probes(m: Model, now: number): number[] {
  const out = [now];
  const last = forceUntil(m);
  if (last !== null) {
    const end = midnight(last + 1);
    for (const t of [end - 60_000, end - 1, end, end + 60_000, midnight(last - 30) + 10 * HOUR]) if (t > now) out.push(t);
  }
  out.push(now + 400 * 24 * HOUR);
  return out;
}

export const describeDay = (ms: number) => `${new Date(ms).toISOString()} (JST day ${dayOf(ms)})`;
