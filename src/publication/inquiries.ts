import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { insertInquiry } from '../repositories/inquiries';

/** What a reader sends to the inquiry desk (Art. 18). Confidential to staff once received (Art. 20). */
export interface InquiryInput {
  name: string;
  email: string;
  organisation?: string | null;
  serviceNumber?: string | null;
  subject: string;
  body: string;
}

/** Control characters other than tab and line breaks are dropped (PostgreSQL text cannot hold NUL anyway). */
function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}

const orNull = (s: string | null | undefined) => (s && clean(s) ? clean(s) : null);

/** Art. 18: stores the inquiry for staff. The answer names the receipt, never what was sent. */
export async function receiveInquiry(db: Db, clock: Clock, input: InquiryInput): Promise<{ id: string; receivedAt: Date }> {
  const id = randomUUID();
  const receivedAt = clock.now();
  await insertInquiry(db, {
    id,
    received_at: receivedAt,
    name: clean(input.name),
    email: clean(input.email),
    organisation: orNull(input.organisation),
    service_number: orNull(input.serviceNumber),
    subject: clean(input.subject),
    body: clean(input.body),
    status: 'new',
  });
  return { id, receivedAt };
}
