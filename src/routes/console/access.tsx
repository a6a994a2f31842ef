/**
 * Access screens for admins (thin): a staff account's page with the services assigned to it (Arts. 7, 19) and
 * its sign-ins, and the crawler keys. Each write is the domain function the staff API and the CLI call.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { listCrawlerKeys, makeCrawlerKey, revokeCrawlerKey } from '../../access/crawler-keys';
import { accountAssignments, accountById, assignServiceToAccount, endServiceAssignmentOfAccount } from '../../console/accounts';
import { resolveService } from '../../domain/lifecycle/staff-view';
import { AppError } from '../../errors';
import { signInsOf } from '../../repositories/staff-accounts';
import { AccountPage, CrawlerKeysPage } from '../../views/console/access-pages';
import { accessText } from '../../views/console/access-text';
import type { Flash } from '../../views/console/auth-pages';
import { consoleHref } from '../../views/console/layout';
import { consoleContext, langOf, lifecycleContext, page, requireRole, session, type ConsoleCtx, type ConsoleEnv } from './context';

const ServiceField = z.object({ service: z.string().trim().min(1, 'a certification number or service id is needed').max(100) });
const KeyName = z.object({ name: z.string().trim().min(1, 'a name is needed').max(100, 'at most 100 characters') });
const FORM_ERRORS = new Set(['invalid', 'conflict', 'unprocessable', 'not_found']);

/** The form's fields as strings (a file or a missing field reads as empty). */
async function formFields(c: ConsoleCtx): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

const STATUS = { invalid: 400, unprocessable: 422, conflict: 409, not_found: 404 } as const;

export function accessRoutes() {
  const r = new Hono<ConsoleEnv>();

  const account = async (c: ConsoleCtx, flash: Flash | null, service = '', status: 200 | 400 | 404 | 409 | 422 = 200) => {
    const lang = langOf(c);
    const who = requireRole(c, 'admin');
    const db = c.get('deps').database.db;
    const found = await accountById(db, c.req.param('id')?.slice(0, 100) ?? '');
    if (!found) throw new AppError('not_found', 'no such account');
    const assignments = await accountAssignments(db, found.id);
    const signIns = (await signInsOf(db, found.id, 20)).map((s) => ({ at: new Date(s.at), kind: s.kind, method: s.method }));
    return page(
      c,
      <AccountPage
        lang={lang}
        staff={who}
        csrf={session(c)!.csrf}
        flash={flash}
        account={found}
        assignments={assignments}
        signIns={signIns}
        service={service}
      />,
      status,
    );
  };

  r.get('/accounts/:id', (c) => account(c, null));

  // Arts. 7, 19: an admin assigns a service to a delegate or committee account
  r.post('/accounts/:id/assignments', async (c) => {
    const who = requireRole(c, 'admin');
    const lang = langOf(c);
    const fields = await formFields(c);
    const parsed = ServiceField.safeParse(fields);
    if (!parsed.success) return account(c, { text: parsed.error.issues[0]!.message, bad: true }, fields.service ?? '', 400);
    try {
      const service = await resolveService(c.get('deps').database.db, parsed.data.service);
      await assignServiceToAccount(consoleContext(c), `staff:${who.id}`, c.req.param('id').slice(0, 100), service.id);
    } catch (err) {
      if (!(err instanceof AppError) || !FORM_ERRORS.has(err.kind)) throw err;
      return account(c, { text: err.message, bad: true }, parsed.data.service, STATUS[err.kind as keyof typeof STATUS]);
    }
    return account(c, { text: accessText(lang).assigned, bad: false });
  });

  r.post('/accounts/:id/assignments/:service/end', async (c) => {
    const who = requireRole(c, 'admin');
    const lang = langOf(c);
    const id = c.req.param('id').slice(0, 100);
    await endServiceAssignmentOfAccount(consoleContext(c), `staff:${who.id}`, id, c.req.param('service').slice(0, 100));
    return account(c, { text: accessText(lang).assignmentEnded, bad: false });
  });

  const keys = async (c: ConsoleCtx, flash: Flash | null, made: { name: string; key: string } | null, name = '', status: 200 | 400 = 200) => {
    const who = requireRole(c, 'admin');
    const list = await listCrawlerKeys(c.get('deps').database.db);
    return page(c, <CrawlerKeysPage lang={langOf(c)} staff={who} csrf={session(c)!.csrf} flash={flash} keys={list} made={made} name={name} />, status);
  };

  r.get('/crawler-keys', (c) => keys(c, c.req.query('revoked') === '1' ? { text: accessText(langOf(c)).keyRevokedFlash, bad: false } : null, null));

  r.post('/crawler-keys', async (c) => {
    requireRole(c, 'admin');
    const fields = await formFields(c);
    const parsed = KeyName.safeParse(fields);
    if (!parsed.success) return keys(c, { text: parsed.error.issues[0]!.message, bad: true }, null, fields.name ?? '', 400);
    const made = await makeCrawlerKey(lifecycleContext(c), { name: parsed.data.name });
    return keys(c, null, { name: made.name, key: made.key });
  });

  r.post('/crawler-keys/:key/revoke', async (c) => {
    requireRole(c, 'admin');
    await revokeCrawlerKey(lifecycleContext(c), c.req.param('key').slice(0, 100));
    return c.redirect(consoleHref('/staff/crawler-keys', langOf(c), { revoked: '1' }), 303);
  });

  return r;
}
