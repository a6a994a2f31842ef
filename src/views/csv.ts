import { jstDate } from '../domain/calendar';
import type { PublicService } from '../publication/public-service';
import { verifyUrl } from '../urls';

export const CSV_COLUMNS = [
  'number',
  'name_ja',
  'name_en',
  'vendor_ja',
  'vendor_en',
  'status',
  'mark_served',
  'first_certified_on',
  'certified_on',
  'valid_through',
  'in_force_through',
  'renewal_filed_on',
  'extension_until',
  'revoked_on',
  'revocation_ground',
  'revocation_reason',
  'terminated_on',
  'lapsed_on',
  'verification_url',
] as const;

/**
 * One CSV cell (RFC 4180): always quoted, quotes doubled. A cell that a spreadsheet would run as a formula
 * (= + - @, tab, carriage return) is prefixed with an apostrophe: vendor text must not become a formula.
 */
export function csvCell(value: string | number | boolean | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvRow(s: PublicService, base: string): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> = {
    number: s.number,
    name_ja: s.name.ja,
    name_en: s.name.en,
    vendor_ja: s.vendor.name.ja,
    vendor_en: s.vendor.name.en,
    status: s.status,
    mark_served: s.markServed,
    first_certified_on: s.firstCertifiedOn,
    certified_on: s.certifiedOn,
    valid_through: s.validThrough,
    in_force_through: s.inForceThrough,
    renewal_filed_on: s.renewal?.filedOn ?? null,
    extension_until: s.extension?.until ?? null,
    revoked_on: s.revocation ? jstDate(s.revocation.at) : null,
    revocation_ground: s.revocation?.ground ?? null,
    revocation_reason: s.revocation?.reason ?? null,
    terminated_on: s.termination ? jstDate(s.termination.at) : null,
    lapsed_on: s.lapse ? jstDate(s.lapse.at) : null,
    verification_url: verifyUrl(base, s.number),
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',');
}

/** The registry as CSV, with a BOM so that spreadsheet programs read the Japanese as UTF-8. */
export function registryCsv(services: readonly PublicService[], base: string): string {
  return `\uFEFF${[CSV_COLUMNS.map(csvCell).join(','), ...services.map((s) => csvRow(s, base))].join('\r\n')}\r\n`;
}
