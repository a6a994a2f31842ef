import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCertmark, type CertmarkProcess } from '../../bench/lib';
import type { Database } from '../../src/db/database';
import { testDatabase, TEST_DATABASE_URL } from '../support/db';
import { systemClock } from '../../src/clock';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';

/**
 * Art. 10.8 across processes: the status caches of every server are dropped through PostgreSQL LISTEN/NOTIFY.
 * On PGlite one process owns the database by design, so this runs only with TEST_DATABASE_URL.
 */
describe.skipIf(!TEST_DATABASE_URL)('two server processes on one PostgreSQL (skipped without TEST_DATABASE_URL: PGlite is one process by design)', () => {
  let database: Database;
  let a: CertmarkProcess;
  let b: CertmarkProcess;

  beforeAll(async () => {
    database = await testDatabase();
    const url = TEST_DATABASE_URL!;
    const databaseUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${database.schema}`)}`;
    const env = { PUBLIC_BASE_URL: 'https://mark.two-process.test' };
    [a, b] = await Promise.all([startCertmark({ databaseUrl, demo: false, env }), startCertmark({ databaseUrl, demo: false, env })]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.close();
  });

  it('a revocation through one server stops the mark on the other within 2 s', async () => {
    const ctx = { db: database.db, clock: systemClock, actor: 'test' };
    const vendor = await registerVendor(ctx, { nameJa: '二重株式会社', nameEn: null, contact: {} });
    const { id } = await registerService(ctx, { vendorId: vendor.id, nameJa: '二重カルテ', nameEn: null, origins: ['https://clinic.example.jp'] });
    await apply(ctx, id, { documents: ['申請書'], feePaid: true, items: [] });
    await decide(ctx, id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });

    const issued = await a.admin('POST', `/api/v1/admin/services/${id}/tokens`, {});
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    const markOnB = `${b.url}/mark/${token}.svg`;
    for (let i = 0; i < 3; i++) expect((await fetch(markOnB)).status).toBe(200); // B's caches are warm

    const revoked = await a.admin('POST', `/api/v1/admin/services/${id}/revocation`, { ground: 3, reason: 'two-process test' });
    expect(revoked.status).toBe(200);
    const acked = performance.now();

    let status = 200;
    let certification: string | null = null;
    while (performance.now() - acked < 2000) {
      const r = await fetch(markOnB);
      await r.arrayBuffer();
      status = r.status;
      certification = r.headers.get('certification-status');
      if (status !== 200) break;
    }
    expect(status).toBe(410);
    expect(certification).toBe('revoked');
    expect((await fetch(`${b.url}/api/v1/badge/${token}`).then((r) => r.json())).showMark).toBe(false);
  });

  it('Art. 10.2: removing an origin through one server stops the mark there on the other within 2 s, whatever its tokens name', async () => {
    const ctx = { db: database.db, clock: systemClock, actor: 'test' };
    const vendor = await registerVendor(ctx, { nameJa: '二重サイト株式会社', nameEn: null, contact: {} });
    const sites = ['https://clinic.example.jp', 'https://old.clinic.example.jp'];
    const { id } = await registerService(ctx, { vendorId: vendor.id, nameJa: '二重サイト', nameEn: null, origins: sites });
    await apply(ctx, id, { documents: ['申請書'], feePaid: true, items: [] });
    await decide(ctx, id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });

    const issued = await a.admin('POST', `/api/v1/admin/services/${id}/tokens`, {});
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    const markOnB = `${b.url}/mark/${token}.svg`;
    const from = (origin: string) => fetch(markOnB, { headers: { Origin: origin } });
    for (let i = 0; i < 3; i++) expect((await from(sites[1]!)).status).toBe(200); // B's caches are warm

    const changed = await a.admin('POST', `/api/v1/admin/services/${id}/origins`, { origins: [sites[0]] });
    expect(changed.status).toBe(200);
    const acked = performance.now();

    let status = 200;
    while (performance.now() - acked < 2000) {
      const r = await from(sites[1]!);
      await r.arrayBuffer();
      status = r.status;
      if (status !== 200) break;
    }
    expect(status).toBe(403);
    expect((await from(sites[0]!)).status).toBe(200); // the site still registered keeps its mark
  });
});
