import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConsoleInvite } from '../../src/demo/console-invite';
import { testApp, type TestApp, BASE } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

const enrolPage = async (url: string) => (await t.app.request(url.slice(BASE.length))).status;

describe('the demo start: a newcomer reaches the staff console without a second command', () => {
  it('gives a one-time enrolment link for the demo admin, and a fresh one at the next start (the old one stops working)', async () => {
    const first = await demoConsoleInvite(t.database.db, t.clock, BASE);
    expect(first).toMatch(new RegExp(`^${BASE}/staff/enrol/cmenrol_[\\w-]+$`));
    expect(await enrolPage(first!)).toBe(200);
    const second = await demoConsoleInvite(t.database.db, t.clock, BASE);
    expect(second).not.toBe(first);
    expect(await enrolPage(second!)).toBe(200);
    expect(await enrolPage(first!)).not.toBe(200);
  });

  it('gives none once the demo admin has enrolled', async () => {
    await t.database.db.updateTable('staff_accounts').set({ enrolled_at: t.clock.now() }).where('email', '=', 'demo-admin@certifier.example').execute();
    expect(await demoConsoleInvite(t.database.db, t.clock, BASE)).toBeNull();
  });
});
