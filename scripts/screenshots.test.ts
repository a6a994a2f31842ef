/**
 * The README's screenshots of the staff console (issue 14): the dashboard, a case under review and a revocation
 * awaiting approval, taken in Chromium from a test app with a recoloured mark sighted on a vendor's page and a
 * revocation proposed from its case. `npm run screenshots` writes docs/images/console-*.png (a vitest file, for
 * the test database's template; not part of `npm test`).
 */
import { join } from 'node:path';
import { it } from 'vitest';
import { Client, enrolledPerson } from '../test/console/support';
import { certifiedService, crawlerKey, postSighting, recolouredPng } from '../test/sightings/support';
import { launchChromium, servedApp } from '../test/support/browser';

const OUT = join(import.meta.dirname, '..', 'docs', 'images');

it('takes the console screenshots', { timeout: 120_000 }, async () => {
const s = await servedApp({ now: '2026-04-01T03:00:00Z', config: { revocationApprovals: 2 } });
const browser = await launchChromium();
try {
  const { t, origin } = s;
  for (let i = 0; i < 3; i++) await certifiedService(t);
  const service = await certifiedService(t);
  const key = (await crawlerKey(t)).key;
  await postSighting(t, key, { image: await recolouredPng(), pageUrl: service.page, seenAt: t.clock.now().toISOString() });
  const cases = (await (await t.json('GET', '/api/v1/admin/cases?status=open')).json()) as { cases: { id: string }[] };
  const caseId = cases.cases[0]!.id;
  t.clock.advance(3_600_000);
  await postSighting(t, key, { image: await recolouredPng(), pageUrl: service.page, seenAt: t.clock.now().toISOString() });
  const proposed = await t.json('POST', `/api/v1/admin/cases/${caseId}/actions`, {
    kind: 'revocation_proposal',
    reason: '公式の標章の色を変えて表示し、改善の要請にも応じないため（第10条第5項）',
    notice: '貴社のサービスの認定を、認定規程第17条第1項第3号により取り消します。',
    noticeSentBy: 'post',
  });
  if (proposed.status !== 200) throw new Error(`the proposal answered ${proposed.status}`);
    const proposal = (await t.database.db.selectFrom('revocation_proposals').select('id').executeTakeFirstOrThrow()).id;
  const admin = await enrolledPerson(t, 'admin', { email: 'second-admin@body.example' });
  const c = new Client(t);
  await c.signIn(admin);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'ja-JP' });
  await context.addCookies([{ name: 'certmark-staff', value: c.cookies.get('certmark-staff')!, url: origin }]);
  const page = await context.newPage();
  const shots: [string, string][] = [
    ['console-dashboard.png', '/staff/'],
    ['console-case.png', `/staff/cases/${caseId}`],
    ['console-revocation.png', `/staff/revocations/${proposal}`],
  ];
  for (const [file, path] of shots) {
    await page.goto(`${origin}${path}`);
    await page.screenshot({ path: join(OUT, file), fullPage: true });
    console.log(`${file}: ${path}`);
  }
} finally {
  await browser.close();
  await s.close();
}
});
