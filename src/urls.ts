/**
 * Every URL certmark gives out, built in one place. `base` is the public origin ({base}, PUBLIC_BASE_URL, no
 * trailing slash); certification numbers have a fixed form (MD-0000-0000), tokens are base64url with dots.
 */

/** Art. 10.4: the verification page the body designates. */
export const verifyPath = (number: string) => `/verify/${encodeURIComponent(number)}`;
export const verifyUrl = (base: string, number: string) => `${base}${verifyPath(number)}`;
/** The verification page opened at its misuse report form. */
export const reportUrl = (base: string, number: string) => `${verifyUrl(base, number)}?report=1#report`;
/** The QR code of the verification URL, for print (Art. 10.1). */
export const qrPath = (number: string, format: 'svg' | 'png' = 'svg') => `/qr/${encodeURIComponent(number)}.${format}`;
export const qrUrl = (base: string, number: string, format: 'svg' | 'png' = 'svg') => `${base}${qrPath(number, format)}`;
/** The service in the public JSON API. */
export const serviceApiUrl = (base: string, number: string) => `${base}/api/v1/services/${encodeURIComponent(number)}`;
/** The official mark and the self-dating badge image of an embed token. */
export const markUrl = (base: string, token: string, format: 'svg' | 'png' = 'svg') => `${base}/mark/${encodeURIComponent(token)}.${format}`;
export const badgeImageUrl = (base: string, token: string) => `${base}/badge/${encodeURIComponent(token)}.svg`;
export const badgeJsonUrl = (base: string, token: string) => `${base}/api/v1/badge/${encodeURIComponent(token)}`;
/** A service's public events as an Atom feed, and its validity and renewal window as iCalendar (issue 18). */
export const serviceFeedPath = (number: string) => `${verifyPath(number)}/feed.atom`;
export const serviceCalendarPath = (number: string) => `${verifyPath(number)}/calendar.ics`;
