/**
 * The vendor portal's people (issue 15): staff, or the vendor's own portal admin, invite a person of a vendor;
 * they sign in with a one-time link sent by e-mail through the outbox (15 minutes; 24 hours in an invitation;
 * good once; stored hashed). Asking for a link answers the same whether or not the address is known. An
 * invitation and a disabling are on the chain (the record's fingerprint, never a secret); every invitation,
 * link sent, sign-in, failure and sign-out is in the portal's sign-in log.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import { inTransaction, notifyOnCommit, type Db, type Tx } from '../db/database';
import type { VendorUserRow } from '../db/schema-vendor';
import { AppError } from '../errors';
import type { NoticeSettings } from '../notices/compose';
import { NOTICES_CHANNEL, SIGN_IN_LINK_NOTICE } from '../notices/ids';
import { plainNoticeRow } from '../notices/plain';
import { insertNotices } from '../repositories/notices';
import { recordOnChain } from '../repositories/records';
import { findVendor } from '../repositories/services';
import * as users from '../repositories/vendor-users';
import { INVITE_LINK_VALID_MS, LINK_VALID_MS, LINKS_PER_HOUR } from './policy';
import { rotateIntoPortalSession, vendorUserOf, type PortalSession } from './sessions';

export interface PortalContext {
  db: Db;
  clock: Clock;
  notices: Pick<NoticeSettings, 'certifier' | 'publicBaseUrl'>;
}

export const VendorUserInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ message: 'an e-mail address is needed' })),
  name: z.string().trim().min(1, 'a name is needed').max(200, 'at most 200 characters'),
  role: z.enum(['admin', 'member'], { message: 'the role is admin or member' }),
});
export type VendorUserInput = z.input<typeof VendorUserInput>;

export interface VendorUserView {
  id: string;
  vendorId: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  createdBy: string;
  createdAt: Date;
  disabledAt: Date | null;
}

const view = (u: VendorUserRow): VendorUserView => ({
  id: u.id,
  vendorId: u.vendor_id,
  email: u.email,
  name: u.name,
  role: u.role,
  createdBy: u.created_by,
  createdAt: new Date(u.created_at),
  disabledAt: u.disabled_at ? new Date(u.disabled_at) : null,
});

export const signInLinkUrl = (baseUrl: string, token: string) => `${baseUrl}/vendor/link/${token}`;

/** Queues the e-mail with a new one-time link to the user, in the transaction; the link's token is in it only. */
async function sendLink(tx: Tx, ctx: PortalContext, u: VendorUserRow, validMs: number, invited: boolean): Promise<string> {
  const vendor = await findVendor(tx, u.vendor_id);
  if (!vendor) throw new AppError('not_found', 'the vendor no longer exists');
  const at = ctx.clock.now();
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await users.insertSignInLink(tx, { id, userId: u.id, token, at, expiresAt: new Date(at.getTime() + validMs) });
  const en = vendor.language === 'en';
  const url = signInLinkUrl(ctx.notices.publicBaseUrl, token);
  const lines = en
    ? [
        `${u.name}:`,
        '',
        invited ? 'You are invited to the certification body’s vendor portal. Sign in with this link:' : 'Sign in to the vendor portal with this link:',
        url,
        '',
        `The link works once, for ${invited ? '24 hours' : '15 minutes'}. If you did not ask for it, ignore this message.`,
      ]
    : [
        `${u.name} 様`,
        '',
        invited ? '認定機関の事業者ポータルに招待されました。次のリンクからサインインしてください。' : '次のリンクから事業者ポータルにサインインしてください。',
        url,
        '',
        `リンクは1回だけ、${invited ? '24時間' : '15分間'}有効です。お心当たりのない場合は、このメールを破棄してください。`,
      ];
  const row = plainNoticeRow(
    { id: null, notice_emails: [u.email], language: vendor.language, vendor_name_ja: vendor.name_ja, vendor_name_en: vendor.name_en },
    {
      cause: `vendor-link:${id}`,
      kind: SIGN_IN_LINK_NOTICE,
      subject: en ? 'Sign in to the vendor portal' : '事業者ポータルへのサインイン',
      lines,
    },
    ctx.notices,
    at,
  );
  await insertNotices(tx, [row]);
  await notifyOnCommit(tx, NOTICES_CHANNEL, `vendor-link:${id}`);
  await users.recordVendorSignIn(tx, { userId: u.id, email: u.email, kind: invited ? 'invited' : 'link_sent', at });
  return url;
}

/**
 * Invites a person of a vendor: the user and an e-mail with a sign-in link good once, for 24 hours; the link is
 * returned too, for the inviter to hand over (`certmark vendor invite` prints it, as `certmark staff invite`
 * does). `actor` is who invites: `staff:{id}`, `cli`, or `vendor:{user id}` (a vendor's portal admin, for their
 * own vendor only).
 */
export async function inviteVendorUser(
  ctx: PortalContext,
  actor: string,
  vendorId: string,
  raw: VendorUserInput,
): Promise<VendorUserView & { url: string; expiresAt: Date }> {
  const input = VendorUserInput.safeParse(raw);
  if (!input.success) {
    const issue = input.error.issues[0]!;
    throw new AppError('invalid', issue.message, { field: String(issue.path[0] ?? 'email') });
  }
  if (!(await findVendor(ctx.db, vendorId))) throw new AppError('not_found', `no vendor ${vendorId}`, { field: 'vendor' });
  const at = ctx.clock.now();
  const row: VendorUserRow = { id: randomUUID(), vendor_id: vendorId, ...input.data, created_by: actor, created_at: at, disabled_at: null };
  const url = await inTransaction(ctx.db, async (tx) => {
    if (await users.findVendorUserByEmail(tx, row.email)) throw new AppError('conflict', 'a portal user with this e-mail address exists', { field: 'email' });
    await users.insertVendorUser(tx, row);
    await recordOnChain(tx, 'vendor_user', 'vendor_user.invited', row.id, actor, at);
    return sendLink(tx, ctx, row, INVITE_LINK_VALID_MS, true);
  });
  return { ...view(row), url, expiresAt: new Date(at.getTime() + INVITE_LINK_VALID_MS) };
}

/** Disables a portal user: their sessions end at once. A vendor admin may disable their own vendor's users only. */
export async function disableVendorUser(ctx: Pick<PortalContext, 'db' | 'clock'>, actor: string, id: string, vendorId: string | null): Promise<void> {
  const u = await users.findVendorUser(ctx.db, id);
  if (!u || (vendorId !== null && u.vendor_id !== vendorId)) throw new AppError('not_found', 'no such portal user');
  const at = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await users.disableVendorUser(tx, id, at))) throw new AppError('conflict', 'the portal user is disabled already');
    await users.endVendorSessionsOf(tx, id, at);
    await recordOnChain(tx, 'vendor_user', 'vendor_user.disabled', id, actor, at);
    await users.recordVendorSignIn(tx, { userId: id, email: u.email, kind: 'disabled', detail: actor, at });
  });
}

export async function vendorUsers(db: Db, vendorId: string): Promise<VendorUserView[]> {
  return (await users.vendorUsersOf(db, vendorId)).map(view);
}

/**
 * A sign-in link to the address, if it is an active portal user's and fewer than 5 were sent in the last hour.
 * Answers nothing either way (the page says the same whether or not the address is known).
 */
export async function requestSignInLink(ctx: PortalContext, rawEmail: string): Promise<void> {
  const email = z.string().trim().toLowerCase().max(254).pipe(z.email()).safeParse(rawEmail);
  if (!email.success) throw new AppError('invalid', 'an e-mail address is needed', { field: 'email' });
  const u = await users.findVendorUserByEmail(ctx.db, email.data);
  const at = ctx.clock.now();
  if (!u || u.disabled_at) return;
  if ((await users.linksSentSince(ctx.db, u.id, new Date(at.getTime() - 3_600_000))) >= LINKS_PER_HOUR) {
    await users.recordVendorSignIn(ctx.db, { userId: u.id, email: u.email, kind: 'failed', detail: 'too many links asked for', at });
    return;
  }
  await inTransaction(ctx.db, (tx) => sendLink(tx, ctx, u, LINK_VALID_MS, false));
}

/** Signs in with a link: good once, before it expires, for a user not disabled; a new session id. */
export async function signInWithLink(ctx: Pick<PortalContext, 'db' | 'clock'>, previous: string | null, token: string): Promise<PortalSession> {
  const at = ctx.clock.now();
  const refused = new AppError('unauthenticated', 'this sign-in link was used already, has expired or is not known: ask for a new one');
  if (!/^[\w-]{43}$/.test(token)) throw refused;
  const userId = await inTransaction(ctx.db, (tx) => users.useSignInLink(tx, token, at));
  if (!userId) {
    const known = await users.findSignInLink(ctx.db, token);
    if (known) {
      const u = await users.findVendorUser(ctx.db, known.user_id);
      if (u)
        await users.recordVendorSignIn(ctx.db, {
          userId: u.id,
          email: u.email,
          kind: 'failed',
          detail: known.used_at ? 'link used again' : 'link expired',
          at,
        });
    }
    throw refused;
  }
  const user = await vendorUserOf(ctx.db, userId);
  if (!user) throw refused;
  const s = await rotateIntoPortalSession(ctx.db, ctx.clock, previous, user);
  await users.recordVendorSignIn(ctx.db, { userId: user.id, email: user.email, kind: 'signed_in', at });
  return s;
}
