import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apply } from '../../src/domain/lifecycle/application';
import { lapse, revoke, terminate } from '../../src/domain/lifecycle/closure';
import { extend, fileRenewal } from '../../src/domain/lifecycle/renewal';
import { noticeSvg } from '../../src/mark/notice';
import { testApp, type TestApp } from '../support/app';
import { bytesOf, certifiedWithToken, get, lifecycle } from '../tokens/support';

const declaration = { selfDeclaration: { usedMarkCorrectly: true, statement: '規程どおり使用しました' }, overrideReason: null };

/** DOMAIN.md's statuses: the mark is served for certified and renewal_pending only, checked at request time. */
describe('the mark per status (DOMAIN.md, Art. 10.1, 10.6, 10.8)', () => {
  let t: TestApp;
  beforeEach(async () => {
    // 2026-04-01 12:00 JST: a service certified now is valid through 2028-04-01.
    t = await testApp({ now: '2026-04-01T03:00:00Z' });
  });
  afterEach(async () => {
    await t.close();
  });

  const expectMark = async (token: string, status: string) => {
    const r = await get(t, `/mark/${token}.svg`);
    expect(r.status).toBe(200);
    expect(r.headers.get('certification-status')).toBe(status);
    expect(await bytesOf(r)).toEqual(t.deps.mark.svg('colour'));
  };
  const expectNotice = async (token: string, status: string, reason: Parameters<typeof noticeSvg>[0]) => {
    const r = await get(t, `/mark/${token}.svg`);
    expect(r.status).toBe(410);
    expect(r.headers.get('certification-status')).toBe(status);
    expect((await bytesOf(r)).toString()).toBe(noticeSvg(reason));
  };

  it('certified: serves the mark', async () => {
    const s = await certifiedWithToken(t);
    expect(s.validThrough).toBe('2028-04-01');
    await expectMark(s.token, 'certified');
  });

  it('renewal_pending: serves the mark until expiry (Art. 12.1)', async () => {
    const s = await certifiedWithToken(t);
    t.clock.set('2028-02-15T03:00:00Z'); // 46 days before expiry: inside the window
    await fileRenewal(lifecycle(t), s.id, declaration);
    await expectMark(s.token, 'renewal_pending');
    t.clock.set('2028-04-01T14:59:59Z'); // 23:59:59 JST on the last day
    await expectMark(s.token, 'renewal_pending');
  });

  it('renewal_pending after expiry without an extension: 410 expired', async () => {
    const s = await certifiedWithToken(t);
    t.clock.set('2028-02-15T03:00:00Z');
    await fileRenewal(lifecycle(t), s.id, declaration);
    t.clock.set('2028-04-01T15:00:00Z'); // 00:00 JST the day after
    await expectNotice(s.token, 'expired', 'expired');
  });

  it('renewal_pending past expiry while staff have granted the Art. 12.2 extension: serves the mark', async () => {
    const s = await certifiedWithToken(t);
    t.clock.set('2028-02-15T03:00:00Z');
    await fileRenewal(lifecycle(t), s.id, declaration);
    t.clock.set('2028-03-30T03:00:00Z');
    await extend(lifecycle(t), s.id, { until: '2028-05-31', reason: '審査中' });
    t.clock.set('2028-04-20T03:00:00Z');
    await expectMark(s.token, 'renewal_pending');
    const badge = await (await get(t, `/api/v1/badge/${s.token}`)).json();
    expect(badge.validThrough).toBe('2028-05-31');
    t.clock.set('2028-05-31T15:00:00Z');
    await expectNotice(s.token, 'expired', 'expired');
  });

  it('expired: stops at 00:00 JST after the last day, with no cache invalidation (Art. 9.1, 10.6)', async () => {
    const s = await certifiedWithToken(t);
    t.clock.set('2028-04-01T14:59:00Z'); // 23:59 JST on 2028-04-01
    await expectMark(s.token, 'certified');
    t.clock.set('2028-04-01T15:00:00Z'); // 00:00 JST on 2028-04-02
    await expectNotice(s.token, 'expired', 'expired');
  });

  it('revoked: 410 at once (Art. 17, 10.8)', async () => {
    const s = await certifiedWithToken(t);
    await revoke(lifecycle(t), s.id, { ground: 1, reason: '虚偽の申請', notice: '書面', noticeSentBy: 'post' });
    await expectNotice(s.token, 'revoked', 'revoked');
  });

  it('terminated: 410 (Art. 13.2)', async () => {
    const s = await certifiedWithToken(t);
    await terminate(lifecycle(t), s.id, { certificateReturned: true });
    await expectNotice(s.token, 'terminated', 'terminated');
  });

  it('lapsed: 410 (Art. 9.2)', async () => {
    const s = await certifiedWithToken(t);
    await lapse(lifecycle(t), s.id, { cause: 'merger', note: '吸収合併' });
    await expectNotice(s.token, 'lapsed', 'lapsed');
  });

  it('applied again after expiry: 410, the mark is not served while the new application is examined', async () => {
    const s = await certifiedWithToken(t);
    t.clock.set('2028-05-01T03:00:00Z');
    await apply(lifecycle(t), s.id, { documents: ['申請書A'], feePaid: true, items: [] });
    await expectNotice(s.token, 'applied', 'not_served');
  });

  it('refused (Art. 8, applied within a year of revocation): 410', async () => {
    const s = await certifiedWithToken(t);
    await revoke(lifecycle(t), s.id, { ground: 3, reason: 'misuse', notice: '書面', noticeSentBy: 'post' });
    t.clock.set('2026-06-01T03:00:00Z');
    await apply(lifecycle(t), s.id, { documents: ['申請書A'], feePaid: true, items: [] });
    await expectNotice(s.token, 'refused', 'not_served');
  });

  it('a request dated before a later event is judged by the events up to then (statusAt)', async () => {
    const s = await certifiedWithToken(t);
    t.clock.set('2026-05-01T03:00:00Z');
    await revoke(lifecycle(t), s.id, { ground: 1, reason: 'x', notice: 'y', noticeSentBy: 'post' });
    t.clock.set('2026-04-15T03:00:00Z');
    await expectMark(s.token, 'certified');
  });
});
