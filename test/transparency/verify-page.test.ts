import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { leafHash, verifyInclusion } from '../../src/transparency/merkle';
import { parseCheckpoint, parseNote } from '../../src/transparency/note';
import { testApp, type TestApp } from '../support/app';
import { lifecycle, NOW } from '../public/world';

let t: TestApp;
let number: string;
beforeAll(async () => {
  t = await testApp({ now: NOW });
  const life = lifecycle(t);
  const s = await life.certified({ certifiedOn: '2025-05-01' });
  number = s.number;
  life.at('2026-03-01T01:00:00Z');
  await revoke(life.ctx, s.id, { ground: 3, reason: '標章を改変して使用した', notice: '通知書', noticeSentBy: 'post' });
  life.at(NOW);
});
afterAll(async () => t.close());

const page = async (lang: 'ja' | 'en') => (await t.app.request(`/verify/${number}?lang=${lang}`)).text();

describe('the verification page shows each public event’s log index (issue 16)', () => {
  it('says an event is not yet in the log until the log has it', async () => {
    expect(await page('en')).toContain('not yet in the log');
  });

  it('links each public event to its inclusion proof, which verifies against the signed checkpoint', async () => {
    await t.deps.log!.sequence();
    const html = await page('en');
    expect(html).not.toContain('not yet in the log');
    const links = [...html.matchAll(/log #(\d+) · <a href="\/api\/v1\/log\/proof\/inclusion\?index=(\d+)&amp;size=(\d+)">inclusion proof<\/a>/g)];
    expect(links).toHaveLength(2); // certified, revoked
    const cp = parseCheckpoint(parseNote(await (await t.app.request('/.well-known/certmark/checkpoint')).text())!.text)!;
    for (const [, shown, index, size] of links) {
      expect(shown).toBe(index);
      expect(Number(size)).toBe(cp.size);
      const proof = (await (await t.app.request(`/api/v1/log/proof/inclusion?index=${index}&size=${size}`)).json()) as { hashes: string[] };
      const entry = (await (await t.app.request(`/api/v1/log/entries?start=${index}&end=${Number(index) + 1}`)).json()) as { entries: { entry: string }[] };
      const bytes = Buffer.from(entry.entries[0]!.entry, 'base64');
      expect(JSON.parse(bytes.toString('utf8')).public[0].number).toBe(number);
      expect(
        verifyInclusion(
          Number(index),
          cp.size,
          leafHash(bytes),
          proof.hashes.map((h) => Buffer.from(h, 'base64')),
          cp.root,
        ),
      ).toBe(true);
    }
    expect(await page('ja')).toMatch(/ログ #\d+ · <a href="\/api\/v1\/log\/proof\/inclusion\?index=\d+&amp;size=\d+">包含証明<\/a>/);
  });
});
