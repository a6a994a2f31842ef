import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock';
import type { Database } from '../../src/db/database';
import { seedDemo } from '../../src/demo/seed';
import { checkRegister } from '../../src/domain/register-check';
import { STATUSES, statusAt } from '../../src/domain/lifecycle/state';
import { serviceEvents } from '../../src/repositories/events';
import { testDatabase } from '../support/db';

/**
 * The demo a newcomer sees (CONTRACT.md: a service in every status), seeded whatever the hour: the demo stamps
 * most events at 10:00 JST, so a start between 00:00 and 10:00 JST once put today's events in the future.
 */
describe('the demo seed, at any hour of the JST day', () => {
  let database: Database | null = null;
  afterEach(async () => {
    await database?.close();
    database = null;
  });

  it.each([
    ['00:30 JST', '2026-12-01T15:30:00.000Z'],
    ['09:59 JST', '2026-12-02T00:59:00.000Z'],
    ['23:59 JST', '2026-12-02T14:59:00.000Z'],
  ])(
    'at %s: every status of DOMAIN.md, including renewal_pending and refused, and no event after the start',
    async (_, start) => {
      database = await testDatabase();
      const now = new Date(start);
      const ids = await seedDemo(database.db, fixedClock(now));
      const statuses: Record<string, string | null> = {};
      for (const [name, id] of Object.entries(ids)) {
        const events = await serviceEvents(database.db, id);
        for (const e of events) expect(e.at.getTime(), `${name}: ${e.type} at ${e.at.toISOString()}`).toBeLessThanOrEqual(now.getTime());
        statuses[name] = statusAt(events, now);
      }
      expect(new Set(Object.values(statuses))).toEqual(new Set(STATUSES));
      expect(statuses).toMatchObject({ renewal_pending: 'renewal_pending', refused: 'refused', certified: 'certified', applied: 'applied' });
      expect((await checkRegister(database.db)).ok).toBe(true);
    },
    120_000,
  ); // the demo seed on a loaded machine took 44 s once
});
