import type { Command } from '../command';
import { table } from '../format';

interface Inquiry {
  id: string;
  reference: string;
  receivedAt: string;
  status: string;
  name: string;
  email: string;
  organisation: string | null;
  serviceNumber: string | null;
  subject: string;
  body: string;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
  closedBy: string | null;
  closedAt: string | null;
  closeNote: string | null;
}

function describe(i: Inquiry): string {
  return [
    `inquiry ${i.reference} (${i.id}): ${i.status}`,
    `  received ${i.receivedAt}`,
    `  from     ${i.name} <${i.email}>${i.organisation ? `, ${i.organisation}` : ''}`,
    ...(i.serviceNumber ? [`  service  ${i.serviceNumber}`] : []),
    `  subject  ${i.subject}`,
    '',
    i.body,
    ...(i.answer ? ['', `answered ${i.answeredAt} by ${i.answeredBy}:`, i.answer] : []),
    ...(i.closedAt ? ['', `closed ${i.closedAt} by ${i.closedBy}${i.closeNote ? `: ${i.closeNote}` : ''}`] : []),
  ].join('\n');
}

export const inquiriesList: Command = {
  name: 'inquiries list',
  summary: 'inquiries received at the desk (Art. 18), newest first, without personal data',
  usage: '[--status new|answered|closed] [--limit {n}] [--cursor {next}]',
  options: {
    status: { type: 'string', description: 'new, answered or closed' },
    limit: { type: 'string', description: 'at most this many (1–200, default 50)' },
    cursor: { type: 'string', description: 'the next page, as the previous answer named it' },
  },
  async run(ctx) {
    const o = ctx.options as Record<string, string | undefined>;
    const r = await ctx
      .api()
      .get<{ items: { id: string; reference: string; receivedAt: string; status: string; serviceNumber: string | null }[]; next: string | null }>(
        '/inquiries',
        { status: o.status, limit: o.limit, cursor: o.cursor },
      );
    ctx.print(r, () =>
      r.items.length === 0
        ? 'no inquiries'
        : table(
            r.items.map((i) => [i.id, i.reference, i.status, i.receivedAt, i.serviceNumber]),
            ['id', 'reference', 'status', 'received', 'service'],
          ) + (r.next ? `\nmore: --cursor ${r.next}` : ''),
    );
  },
};

export const inquiriesShow: Command = {
  name: 'inquiries show',
  summary: 'one inquiry in full (personal data: an audited read, Art. 20)',
  usage: '{id}',
  async run(ctx) {
    const r = await ctx.api().get<Inquiry>(`/inquiries/${encodeURIComponent(ctx.arg(0, 'the inquiry id'))}`);
    ctx.print(r, () => describe(r));
  },
};

export const inquiriesAnswer: Command = {
  name: 'inquiries answer',
  summary: 'record the answer given to the inquirer (Art. 18): new → answered',
  usage: '{id} --answer {text}',
  options: { answer: { type: 'string', description: 'the answer as it was sent' } },
  async run(ctx) {
    const id = ctx.arg(0, 'the inquiry id');
    const r = await ctx.api().post<{ inquiry: Inquiry; eventIds: number[] }>(`/inquiries/${encodeURIComponent(id)}/answer`, { answer: ctx.required('answer') });
    ctx.print(r, () => `inquiry ${r.inquiry.reference}: ${r.inquiry.status}; events ${r.eventIds.map((e) => `#${e}`).join(' ')}`);
  },
};

export const inquiriesClose: Command = {
  name: 'inquiries close',
  summary: 'close an inquiry: answered, or unanswered with the reason (--note)',
  usage: '{id} [--note {text}]',
  options: { note: { type: 'string', description: 'why it is closed (required when it was not answered)' } },
  async run(ctx) {
    const id = ctx.arg(0, 'the inquiry id');
    const r = await ctx.api().post<{ inquiry: Inquiry; eventIds: number[] }>(`/inquiries/${encodeURIComponent(id)}/closing`, {
      note: (ctx.options.note as string | undefined) ?? null,
    });
    ctx.print(r, () => `inquiry ${r.inquiry.reference}: ${r.inquiry.status}; events ${r.eventIds.map((e) => `#${e}`).join(' ')}`);
  },
};
