import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRenewal } from '../../src/domain/lifecycle/renewal';
import { lifecycleHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await lifecycleHarness();
});
afterAll(async () => h.close());

describe('certification numbers (DOMAIN.md: prefix, 4-digit serial, year-month of first certification)', () => {
  it('names the year and month of the first certification, in Japan', async () => {
    h.clock.set('2024-10-31T15:30:00Z'); // 2024-11-01 00:30 JST
    expect((await h.certified()).number).toMatch(/^MD-\d{4}-2411$/);
  });

  it('keeps the number for life: a renewal does not change it', async () => {
    h.jst('2024-04-01');
    const s = await h.certified();
    h.jst('2026-02-15');
    await fileRenewal(h.ctx, s.id, { selfDeclaration: { usedMarkCorrectly: true, statement: '適切に使用' }, overrideReason: null });
    expect((await h.certify(s.id)).result!.number).toBe(s.number);
  });

  it('gives services certified at the same moment different serials', async () => {
    h.jst('2025-06-01');
    const ids = await Promise.all([h.applied(), h.applied(), h.applied(), h.applied()]);
    const results = await Promise.all(ids.map((id) => h.certify(id)));
    const serials = results.map((r) => Number(r.result!.number.slice(3, 7)));
    expect(new Set(serials).size).toBe(4);
    expect(Math.max(...serials) - Math.min(...serials)).toBe(3);
  });
});
