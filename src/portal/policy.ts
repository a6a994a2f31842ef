/** The vendor portal's security settings in one place (issue 15): the console's session rules, its own cookie. */
import { isLocalHttp } from '../console/policy';

export { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../console/policy';

const MINUTE = 60_000;

/** A sign-in link is good once, for 15 minutes; the link in an invitation for 24 hours. */
export const LINK_VALID_MS = 15 * MINUTE;
export const INVITE_LINK_VALID_MS = 24 * 60 * MINUTE;
/** At most 5 links to one person in an hour (a mailbox is not to be flooded from the sign-in form). */
export const LINKS_PER_HOUR = 5;

export const VENDOR_COOKIE_SECURE = '__Host-certmark-vendor';
export const VENDOR_COOKIE_PLAIN = 'certmark-vendor';

export function vendorCookieName(baseUrl: string): string {
  return isLocalHttp(baseUrl) ? VENDOR_COOKIE_PLAIN : VENDOR_COOKIE_SECURE;
}
