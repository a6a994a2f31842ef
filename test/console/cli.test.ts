import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { openInvite } from '../../src/console/accounts';
import { testDatabase } from '../support/db';
import type { Database } from '../../src/db/database';
import { systemClock } from '../../src/clock';

/** `certmark staff invite` (issue 14): the first admin is invited before anyone can sign in, direct to the database. */
describe('certmark staff invite', () => {
  let database: Database;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => database?.close());

  async function cli(argv: string[]) {
    let out = '';
    const code = await run(argv, {
      env: { PUBLIC_BASE_URL: 'https://certmark.test', CERTMARK_DEMO: '0' },
      cwd: '/tmp',
      stdout: (s: string) => (out += s),
      stderr: (s: string) => (out += s),
      openDatabase: async () => ({ ...database, close: async () => {} }),
    });
    return { code, out };
  }

  it('prints the one-time enrolment URL, valid 24 hours, for the role asked', async () => {
    const r = await cli(['staff', 'invite', '--email', 'First.Admin@Body.example', '--role', 'admin', '--name', '最初の管理者', '--json']);
    expect(r.code, r.out).toBe(0);
    const printed = JSON.parse(r.out);
    expect(printed).toMatchObject({ email: 'first.admin@body.example', role: 'admin' });
    expect(printed.url).toMatch(/^https:\/\/certmark\.test\/staff\/enrol\/cmenrol_[\w-]{43}$/);
    const open = await openInvite({ db: database.db, clock: systemClock }, printed.url.split('/').at(-1));
    expect(open?.account).toMatchObject({ name: '最初の管理者', role: 'admin', enrolledAt: null });
  });

  it('refuses a role that does not exist, and a delegate without its delegated body', async () => {
    expect((await cli(['staff', 'invite', '--email', 'x@body.example', '--role', 'superuser'])).code).not.toBe(0);
    const d = await cli(['staff', 'invite', '--email', 'y@body.example', '--role', 'delegate']);
    expect(d.code).not.toBe(0);
    expect(d.out).toContain('delegated body');
  });
});
