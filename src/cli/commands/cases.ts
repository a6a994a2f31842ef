import type { Command } from '../command';
import { table } from '../format';

interface CaseOut {
  id: string;
  serviceNumber: string | null;
  serviceId: string | null;
  pageUrl: string;
  finding: string;
  article: string;
  status: string;
  awaiting: string | null;
  dueOn: string | null;
  sightingsCount: number;
  repeatCount: number;
  reopenCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  closeReason: string | null;
}
interface HistoryEntry {
  id: string;
  at: string;
  by: string;
  kind: string;
  details: Record<string, unknown>;
  eventIds: number[];
}
type CaseWithHistory = CaseOut & { history: HistoryEntry[] };

const state = (c: CaseOut) => (c.status === 'open' && c.awaiting ? `awaiting ${c.awaiting}${c.dueOn ? ` (due ${c.dueOn})` : ''}` : c.status);

function describeCase(c: CaseWithHistory & { sightings?: { seenAt: string; linkHref: string | null; findings: string[] }[] }): string {
  return [
    `case ${c.id}: ${state(c)}`,
    `  finding  ${c.finding} (${c.article})`,
    `  service  ${c.serviceNumber ?? c.serviceId ?? 'none named'}`,
    `  page     ${c.pageUrl}`,
    `  seen     ${c.sightingsCount} times (${c.firstSeenAt} – ${c.lastSeenAt}); reopened ${c.reopenCount} times`,
    ...(c.closeReason ? [`  reason   ${c.closeReason}`] : []),
    'history:',
    ...(c.history.length === 0
      ? ['  (no action yet)']
      : c.history.map((h) => `  ${h.at} ${h.kind} by ${h.by}; events ${h.eventIds.map((id) => `#${id}`).join(' ') || '-'}`)),
    ...(c.sightings
      ? ['sightings (newest first):', ...c.sightings.slice(0, 10).map((s) => `  ${s.seenAt} ${s.findings.join(',')} link ${s.linkHref ?? '-'}`)]
      : []),
  ].join('\n');
}

const acted = (r: CaseWithHistory & { actionId: string; eventIds: number[] }) =>
  `case ${r.id}: ${state(r)}\n  action ${r.actionId}; events ${r.eventIds.map((id) => `#${id}`).join(' ')}`;

export const casesList: Command = {
  name: 'cases list',
  summary: 'misuse cases from crawler sightings, last seen first (audited read, Art. 20)',
  usage: '[--status open|dismissed|actioned] [--queue review|awaiting] [--finding {finding}] [--service {number|id}] [--limit {n}]',
  options: {
    status: { type: 'string', description: 'open, dismissed or actioned' },
    queue: { type: 'string', description: 'review: open cases that need a person now; awaiting: open cases waiting for a request or a decision' },
    finding: { type: 'string', description: 'stale, revoked, wrong_site, no_link, recoloured, partial or distorted' },
    service: { type: 'string', description: 'one service (number or id)' },
    limit: { type: 'string', description: 'at most this many (1–200, default 50)' },
  },
  async run(ctx) {
    const o = ctx.options as Record<string, string | undefined>;
    const r = await ctx.api().get<{ cases: CaseOut[] }>('/cases', { status: o.status, queue: o.queue, finding: o.finding, service: o.service, limit: o.limit });
    ctx.print(r, () =>
      r.cases.length === 0
        ? 'no cases'
        : table(
            r.cases.map((c) => [c.id, state(c), c.finding, c.serviceNumber, c.sightingsCount, c.lastSeenAt, c.pageUrl]),
            ['id', 'state', 'finding', 'service', 'seen', 'last seen', 'page'],
          ),
    );
  },
};

export const casesShow: Command = {
  name: 'cases show',
  summary: 'one case with its history (each action and the events it caused) and its sightings (audited read, Art. 20)',
  usage: '{case id}',
  async run(ctx) {
    const r = await ctx.api().get(`/cases/${encodeURIComponent(ctx.arg(0, 'the case id'))}`);
    ctx.print(r, () => describeCase(r));
  },
};

async function act(ctx: Parameters<Command['run']>[0], path: 'dismissal' | 'actions', body: unknown) {
  const id = ctx.arg(0, 'the case id');
  const r = await ctx.api().post(`/cases/${encodeURIComponent(id)}/${path}`, body);
  ctx.print(r, () => acted(r));
}

export const casesDismiss: Command = {
  name: 'cases dismiss',
  summary: 'close a case as dismissed, with the reason',
  usage: '{case id} --reason {text}',
  options: { reason: { type: 'string', description: 'why it is not misuse, or needs nothing more' } },
  run: (ctx) => act(ctx, 'dismissal', { reason: ctx.required('reason') }),
};

export const casesInvestigate: Command = {
  name: 'cases investigate',
  summary: 'request explanations or materials about the case from the vendor (Art. 15), with a due date',
  usage: '{case id} --subject {text} --due {YYYY-MM-DD}',
  options: {
    subject: { type: 'string', description: 'what is asked' },
    due: { type: 'string', description: 'the due date; a sighting after it reopens the case' },
  },
  run: (ctx) => act(ctx, 'actions', { kind: 'investigation', subject: ctx.required('subject'), dueOn: ctx.required('due') }),
};

export const casesImprove: Command = {
  name: 'cases improve',
  summary: 'request an improvement (Art. 16.1) following an investigation (one is opened when none is named), with a due date',
  usage: '{case id} --content {text} --due {YYYY-MM-DD} [--investigation {id}] [--publish]',
  options: {
    content: { type: 'string', description: 'what must be improved' },
    due: { type: 'string', description: 'the due date; a sighting after it reopens the case' },
    investigation: { type: 'string', description: 'the investigation (Art. 15) it follows' },
    publish: { type: 'boolean', description: 'publish the request (Art. 16.2)' },
  },
  run: (ctx) =>
    act(ctx, 'actions', {
      kind: 'improvement',
      content: ctx.required('content'),
      dueOn: ctx.required('due'),
      publish: ctx.options.publish === true,
      ...(typeof ctx.options.investigation === 'string' ? { investigationId: ctx.options.investigation } : {}),
    }),
};

export const casesProposeRevocation: Command = {
  name: 'cases propose-revocation',
  summary: 'propose revoking the service under Art. 17.1(3) for its misuse of the mark; another admin approves it (admin token)',
  usage: '{case id} --reason {text} [--notice {text} --sent-by post|email|hand]',
  options: {
    reason: { type: 'string', description: 'the reason, published with the revocation (Art. 17.3)' },
    notice: { type: 'string', description: 'the written notice to be sent (Art. 17.2)' },
    'sent-by': { type: 'string', description: 'how the notice goes out: post, email or hand' },
  },
  run: (ctx) =>
    act(ctx, 'actions', {
      kind: 'revocation_proposal',
      reason: ctx.required('reason'),
      ...(typeof ctx.options.notice === 'string' ? { notice: ctx.options.notice } : {}),
      ...(typeof ctx.options['sent-by'] === 'string' ? { noticeSentBy: ctx.options['sent-by'] } : {}),
    }),
};
