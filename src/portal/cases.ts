/**
 * One misuse case as its vendor sees it (issue 15): the finding and its evidence in words (the console's
 * src/console/evidence-words.ts), the page, where the mark links to, first and last seen, the status, and the
 * image the crawler sent beside the official mark. Only what the vendor is meant to see: no staff history, no
 * actors, no reasons of a dismissal, no revocation proposals. A case of another vendor's service, or with no
 * service, answers as unknown, and so does an image not seen in the case.
 */
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { auditConfidentialRead, vendorReader } from '../domain/confidential';
import { AppError } from '../errors';
import { findCase } from '../repositories/cases';
import { findImage, sightingsOfCase } from '../repositories/sightings';
import { storedImage, type StoredImage } from '../sightings/images';
import type { VendorUser } from './sessions';
import { vendorServiceOf } from './services';

/** The newest sightings a case page looks at (as the console's case page). */
const SIGHTINGS_SHOWN = 20;

export interface VendorCaseView {
  id: string;
  finding: string;
  status: 'open' | 'dismissed' | 'actioned';
  serviceNumber: string | null;
  serviceRef: string;
  serviceNameJa: string;
  pageUrl: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  sightings: number;
  /** The newest sighting's findings (the case's own first) and evidence, for evidenceWords. */
  latest: { seenAt: Date; linkHref: string | null; findings: string[]; evidence: unknown } | null;
  /** The newest image sent in the case. */
  imageSha256: string | null;
  variant: 'colour' | 'mono';
}

async function caseOfVendor(db: Db, user: VendorUser, serviceRef: string, caseId: string) {
  const service = await vendorServiceOf(db, user, serviceRef);
  const found = await findCase(db, caseId.slice(0, 100));
  if (!found || found.service_id === null || found.service_id !== service.id) throw new AppError('not_found', 'no such case');
  const sightings = await sightingsOfCase(db, found, SIGHTINGS_SHOWN);
  return { service, found, sightings };
}

export async function vendorCase(db: Db, clock: Clock, user: VendorUser, serviceRef: string, caseId: string): Promise<VendorCaseView> {
  const { service, found: k, sightings } = await caseOfVendor(db, user, serviceRef, caseId);
  await auditConfidentialRead(vendorReader(db, clock, user), k.id, ['case']); // Art. 20
  const latest = sightings[0] ?? null;
  const withImage = sightings.find((s) => s.image_sha256 !== null);
  const image = (latest?.evidence as { image?: { variant?: unknown } } | undefined)?.image;
  return {
    id: k.id,
    finding: k.finding,
    status: k.status,
    serviceNumber: service.number,
    serviceRef: service.number ?? service.id,
    serviceNameJa: service.name_ja,
    pageUrl: k.page_url,
    firstSeenAt: new Date(k.first_seen_at),
    lastSeenAt: new Date(k.last_seen_at),
    sightings: Number(k.sightings_count),
    latest: latest && {
      seenAt: new Date(latest.seen_at),
      linkHref: latest.link_href,
      findings: latest.findings.includes(k.finding) ? [k.finding, ...latest.findings.filter((f) => f !== k.finding)] : latest.findings,
      evidence: latest.evidence,
    },
    imageSha256: withImage?.image_sha256 ?? null,
    variant: image?.variant === 'mono' ? 'mono' : 'colour',
  };
}

/** The image of a sighting of the case (as stored: metadata-free PNG or JPEG); any other answers as unknown. */
export async function vendorCaseImage(db: Db, clock: Clock, user: VendorUser, serviceRef: string, caseId: string, sha256: string): Promise<StoredImage> {
  const { sightings } = await caseOfVendor(db, user, serviceRef, caseId);
  if (!/^[0-9a-f]{64}$/.test(sha256) || !sightings.some((s) => s.image_sha256 === sha256)) throw new AppError('not_found', 'no such image');
  const image = await findImage(db, sha256);
  if (!image) throw new AppError('not_found', 'no such image');
  await auditConfidentialRead(vendorReader(db, clock, user), sha256, ['sighting image']); // Art. 20
  return storedImage(Buffer.from(image.bytes));
}
