import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { ADMIN_TOKEN, testApp, type TestApp } from '../support/app';
import { certifiedWithToken, get, SITE } from './support';
import { newJti } from '../../src/tokens/issue';

/** `certmark token issue {number} --origin {origin}…` prints the token and the embed snippet (CONTRACT.md). */
describe('certmark token issue | list | retire, key rotate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function cli(args: string[]) {
    let out = '';
    let err = '';
    const code = await run(args, {
      env: { CERTMARK_URL: 'https://certmark.test', CERTMARK_TOKEN: ADMIN_TOKEN },
      cwd: '/nonexistent',
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      fetch: ((url: string | URL, init?: RequestInit) => t.app.request(String(url), init)) as typeof fetch,
    });
    return { code, out, err };
  }

  it('prints the token and the embed snippet for the given origins', async () => {
    const s = await certifiedWithToken(t, { origins: [SITE, 'https://www.clinic-cloud.example.jp'] });
    const r = await cli(['token', 'issue', s.number, '--origin', SITE, '--origin', 'https://www.clinic-cloud.example.jp']);
    expect(r.code).toBe(0);
    const token = r.out.split('\n').find((l) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(l))!;
    expect(token).toBeDefined();
    expect(r.out).toContain(`allowed on: ${SITE}, https://www.clinic-cloud.example.jp`);
    expect(r.out).toContain(`<certmark-badge token="${token}"></certmark-badge>`);
    expect(r.out).toContain(`<noscript><a href="https://certmark.test/verify/${s.number}"><img src="https://certmark.test/badge/${token}.svg"`);
    expect(r.out).toMatch(/<script src="https:\/\/certmark\.test\/widget\.[0-9a-f]+\.js" integrity="sha384-/);
    expect((await get(t, `/mark/${token}.svg`, { Origin: SITE })).status).toBe(200);
  });

  it('prints JSON with --json; the registered origins when none is given', async () => {
    const s = await certifiedWithToken(t);
    const r = await cli(['token', 'issue', s.number, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ number: s.number, origins: [SITE] });
  });

  it('reports a bad origin with the field, and exits non-zero', async () => {
    const s = await certifiedWithToken(t);
    const r = await cli(['token', 'issue', s.number, '--origin', 'clinic.example.jp']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('origins.0');
  });

  it('makes jtis a command line reads as an argument, never as an option (no leading -)', () => {
    const jtis = Array.from({ length: 5000 }, newJti);
    expect(jtis.filter((j) => j.startsWith('-'))).toEqual([]);
    expect(new Set(jtis).size).toBe(5000);
    expect(jtis.every((j) => /^[A-Za-z0-9_-]{22}$/.test(j))).toBe(true);
  });

  it('lists and retires tokens, and rotates the signing key', async () => {
    const s = await certifiedWithToken(t);
    const list = await cli(['token', 'list', s.number]);
    expect(list.out).toContain(s.jti);
    const retired = await cli(['token', 'retire', s.jti]);
    expect(retired.code).toBe(0);
    expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(404);
    const rotated = await cli(['key', 'rotate', '--json']);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.out).kid).toBe(t.deps.keys.currentSigner().kid);
  });
});
