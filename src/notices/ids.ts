import { createHash } from 'node:crypto';

/** Heard after a commit that wrote notices: the delivery loop wakes. */
export const NOTICES_CHANNEL = 'certmark_notices';

/** The notice's id and Message-ID follow from its cause: a retry, or a second process, sends the same message. */
export const noticeId = (cause: string) => createHash('sha256').update(cause).digest('hex').slice(0, 32);
export const messageIdOf = (id: string, publicBaseUrl: string) => `<notice-${id}@${new URL(publicBaseUrl).hostname}>`;

/** The kind of the outbox row that carries a vendor user's one-time sign-in link: never shown to staff, never sent again. */
export const SIGN_IN_LINK_NOTICE = 'vendor_sign_in_link';
