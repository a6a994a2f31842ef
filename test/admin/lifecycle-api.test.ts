import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { application, appliedService, certifiedService, certify, item, newService, ok, op, problem, renewal, rowCounts } from './fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
});
afterAll(async () => t.close());

const at = (iso: string) => t.clock.set(iso);

describe('POST /services/{service}/applications (Art. 4, 5)', () => {
  it('records the application and makes the service applied, mark not served', async () => {
    at('2026-04-01T03:00:00Z');
    const id = await newService(t);
    const r = await ok(op(t, id, 'applications', application()), 201);
    expect(r.service.status).toBe('applied');
    expect(r.events.map((e: { type: string }) => e.type)).toEqual(['service.applied', 'disclosure.changed']);
    expect(r.result).toEqual({ refusedUnderArt8: false });
  });
});

describe('POST /services/{service}/decision (Art. 6.1, 6.4, 7)', () => {
  it('certifies with the notice and the committee opinion, and assigns the certification number', async () => {
    at('2026-04-01T03:00:00Z');
    const id = await appliedService(t);
    const r = await ok(op(t, id, 'decision', certify({ committeeOpinion: '適合' })));
    expect(r.service.status).toBe('certified');
    expect(r.service.number).toMatch(/^MD-\d{4}-2604$/);
    expect(r.result).toMatchObject({ certifiedOn: '2026-04-01', validThrough: '2028-04-01' });
    expect(r.events[0].payload).toMatchObject({ notice: '認定を実施しました', committeeOpinion: '適合' });
  });

  it('refuses with the reason notified', async () => {
    at('2026-04-01T03:00:00Z');
    const id = await appliedService(t);
    const r = await ok(op(t, id, 'decision', { outcome: 'refuse', notice: '認定を実施しない旨を通知', reason: '審査基準に適合しない' }));
    expect(r.service.status).toBe('refused');
    expect(r.events[0]).toMatchObject({ type: 'service.refused', article: 'Art. 6.4', payload: { reason: '審査基準に適合しない' } });
  });
});

describe('renewals and extensions (Art. 12)', () => {
  it('files a renewal in the window with the self-declaration, extends it past expiry, then renews keeping the number', async () => {
    at('2024-04-01T03:00:00Z');
    const s = await certifiedService(t);
    expect(s.validThrough).toBe('2026-04-01');
    at('2026-02-15T03:00:00Z');
    const filed = await ok(op(t, s.id, 'renewals', renewal()), 201);
    expect(filed.service.status).toBe('renewal_pending');
    expect(filed.events[0].payload.selfDeclaration).toEqual({ usedMarkCorrectly: true, statement: '規程どおり使用しました' });
    const ext = await ok(op(t, s.number, 'extensions', { until: '2026-05-31', reason: '審査委員会の開催待ち' }), 201);
    expect(ext.events[0]).toMatchObject({ type: 'renewal.extended', article: 'Art. 12.2', payload: { until: '2026-05-31' } });
    at('2026-04-20T03:00:00Z');
    expect((await ok(t.json('GET', `/api/v1/admin/services/${s.id}/status`))).status).toBe('renewal_pending');
    const renewed = await ok(op(t, s.id, 'decision', certify()));
    expect(renewed.service).toMatchObject({ status: 'certified', number: s.number });
    expect(renewed.result).toMatchObject({ certifiedOn: '2026-04-20', validThrough: '2028-04-20' });
  });

  it('accepts a renewal outside the window when staff record an override reason', async () => {
    at('2026-04-01T03:00:00Z');
    const s = await certifiedService(t);
    const r = await ok(op(t, s.id, 'renewals', renewal({ overrideReason: '事業者の事情により前倒し' })), 201);
    expect(r.events[0].payload.overrideReason).toBe('事業者の事情により前倒し');
  });
});

describe('change notices and origins (Art. 13.1, 10.2)', () => {
  it('creates a new version of the application content and keeps the old one', async () => {
    at('2026-04-01T03:00:00Z');
    const s = await certifiedService(t);
    const r = await ok(op(t, s.id, 'changes', { items: [item('service.overview', { valueJa: '新しい概要' })], note: 'サービス概要の変更' }), 201);
    expect(r.result).toEqual({ version: 2 });
    expect(r.events[0].payload.changedKeys).toEqual(['service.overview', 'security.network']);
    const view = await ok(t.json('GET', `/api/v1/admin/services/${s.id}`));
    expect(view.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(view.disclosure.items).toHaveLength(1);
  });

  it('replaces the registered origins', async () => {
    const s = await certifiedService(t);
    await ok(op(t, s.id, 'origins', { origins: ['https://a.example.jp', 'http://localhost:8080'] }));
    expect((await ok(t.json('GET', `/api/v1/admin/services/${s.id}`))).origins).toEqual(['http://localhost:8080', 'https://a.example.jp']);
  });
});

describe('termination, certificate return, lapse and revocation (Art. 13.2, 13.3, 9.2, 17)', () => {
  it('terminates, then records the certificate returned', async () => {
    const s = await certifiedService(t);
    expect((await ok(op(t, s.id, 'termination', { certificateReturned: false }))).service.status).toBe('terminated');
    const r = await ok(op(t, s.id, 'certificate-return'));
    expect(r.events[0]).toMatchObject({ type: 'certificate.returned', article: 'Art. 13.3' });
  });

  it('Art. 13.3, 10.8: lists certificates outstanding after a termination, a revocation and a lapse, with their age, until each is returned', async () => {
    at('2026-04-01T03:00:00Z');
    const terminated = await certifiedService(t);
    const revoked = await certifiedService(t);
    const lapsed = await certifiedService(t);
    const returnedAtOnce = await certifiedService(t);
    await ok(op(t, terminated.id, 'termination', { certificateReturned: false }));
    await ok(op(t, returnedAtOnce.id, 'termination', { certificateReturned: true }));
    at('2026-04-11T03:00:00Z');
    await ok(op(t, revoked.id, 'revocation', { ground: 3, reason: '改変使用' }));
    await ok(op(t, lapsed.id, 'lapse', { cause: 'merger', note: '吸収合併' }));
    at('2026-04-21T03:00:00Z');
    const list = async () =>
      (await ok(t.json('GET', '/api/v1/admin/certificates/outstanding'))).certificates as {
        serviceId: string;
        status: string;
        ageDays: number;
        endedOn: string;
      }[];
    const mine = (await list()).filter((c) => [terminated.id, revoked.id, lapsed.id, returnedAtOnce.id].includes(c.serviceId));
    expect(mine[0]).toMatchObject({ serviceId: terminated.id, status: 'terminated', endedOn: '2026-04-01', ageDays: 20 }); // oldest first
    expect(mine.map((c) => c.serviceId).sort()).toEqual([terminated.id, revoked.id, lapsed.id].sort());
    expect(mine.find((c) => c.serviceId === revoked.id)).toMatchObject({ status: 'revoked', ageDays: 10 });
    expect(mine.find((c) => c.serviceId === lapsed.id)).toMatchObject({ status: 'lapsed', ageDays: 10 });
    for (const s of [terminated, revoked, lapsed]) await ok(op(t, s.id, 'certificate-return'));
    expect((await list()).filter((c) => [terminated.id, revoked.id, lapsed.id].includes(c.serviceId))).toEqual([]);
    expect((await problem(op(t, lapsed.id, 'certificate-return'), 409)).article).toBe('Art. 9.2');
  });

  it('lapses on a merger', async () => {
    const s = await certifiedService(t);
    const r = await ok(op(t, s.id, 'lapse', { cause: 'merger', note: '吸収合併' }));
    expect(r.service.status).toBe('lapsed');
  });

  it('revokes on a ground with the article of the ground, by certification number', async () => {
    const s = await certifiedService(t);
    const r = await ok(op(t, s.number, 'revocation', { ground: 3, reason: 'マークの改変' }));
    expect(r.service.status).toBe('revoked');
    expect(r.events[0]).toMatchObject({ type: 'service.revoked', article: 'Art. 17.1(3)', payload: { ground: 3, reason: 'マークの改変' } });
    expect(r.events[0].payload).toMatchObject({ notice: null, noticeSentBy: 'not_sent' }); // Art. 17.2: no notice claimed
  });

  it('Art. 17.2: records the written notice with how it went out, and refuses a text without it (400, nothing written)', async () => {
    const s = await certifiedService(t);
    const before = await rowCounts(t);
    expect((await problem(op(t, s.number, 'revocation', { ground: 3, reason: 'マークの改変', notice: '通知書' }), 400)).field).toBe('noticeSentBy');
    expect(await rowCounts(t)).toEqual(before);
    const r = await ok(op(t, s.number, 'revocation', { ground: 3, reason: 'マークの改変', notice: '認定取消通知書', noticeSentBy: 'post' }));
    expect(r.events[0].payload).toMatchObject({ notice: '認定取消通知書', noticeSentBy: 'post' });
  });
});

describe('oversight (Art. 14, 15, 16)', () => {
  it('runs an emergency from notice through progress to closing', async () => {
    at('2026-04-01T03:00:00Z');
    const s = await certifiedService(t);
    const em = await ok(op(t, s.id, 'emergencies', { kind: 'outage', summary: '東京リージョン障害' }), 201);
    const id = em.result.id;
    await ok(op(t, s.id, `emergencies/${id}/reports`, { report: '復旧作業中' }), 201);
    await ok(op(t, s.id, `emergencies/${id}/reports`, { report: '復旧完了', close: true }), 201);
    const view = await ok(t.json('GET', `/api/v1/admin/services/${s.id}`));
    expect(view.oversight.emergencies[0]).toMatchObject({ id, kind: 'outage', reports: [{ report: '復旧作業中' }, { report: '復旧完了' }] });
    expect(view.oversight.emergencies[0].closedAt).not.toBeNull();
  });

  it('shows an unanswered investigation as overdue after its due date, and records the answer', async () => {
    at('2026-04-01T03:00:00Z');
    const s = await certifiedService(t);
    const inv = await ok(op(t, s.id, 'investigations', { subject: 'マーク使用状況の説明', dueOn: '2026-04-10' }), 201);
    at('2026-04-11T03:00:00Z');
    const overdue = await ok(t.json('GET', '/api/v1/admin/oversight/overdue'));
    expect(overdue.investigations).toContainEqual(expect.objectContaining({ id: inv.result.id, serviceId: s.id, dueOn: '2026-04-10' }));
    await ok(op(t, s.id, `investigations/${inv.result.id}/answer`, { summary: '資料提出あり', satisfactory: true }));
    const after = await ok(t.json('GET', '/api/v1/admin/oversight/overdue'));
    expect(after.investigations.map((i: { id: string }) => i.id)).not.toContain(inv.result.id);
  });

  it('requests an improvement, publishes it (16.2) and completes it', async () => {
    at('2026-04-01T03:00:00Z');
    const s = await certifiedService(t);
    const inv = (await ok(op(t, s.id, 'investigations', { subject: 'マークの色についての説明', dueOn: '2026-04-20' }), 201)).result.id;
    const imp = await ok(op(t, s.id, 'improvements', { investigationId: inv, content: 'マークの色を戻すこと', dueOn: '2026-05-01' }), 201);
    const id = imp.result.id;
    await ok(op(t, s.id, `improvements/${id}/publication`));
    await ok(op(t, s.id, `improvements/${id}/completion`, { note: '是正を確認' }));
    const view = await ok(t.json('GET', `/api/v1/admin/services/${s.id}`));
    expect(view.oversight.improvements[0]).toMatchObject({ id, overdue: false });
    expect(view.oversight.improvements[0].publishedAt).not.toBeNull();
    expect(view.oversight.improvements[0].completedAt).not.toBeNull();
  });
});
