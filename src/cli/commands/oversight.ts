import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type Command, type CommandContext } from '../command';
import { operationSummary, table } from '../format';
import { dateOption } from '../operation';

/**
 * The service's registered sites (Art. 10.2), change notices (Art. 13.1), emergencies (Art. 14), investigations
 * (Art. 15) and improvement requests (Art. 16), through the staff API. Lists read the service's staff view (an
 * audited read, Art. 20).
 */

interface ServiceView {
  id: string;
  number: string | null;
  origins: string[];
  versions: { version: number; eventId: number; at: string; note: string; changedKeys: string[] }[];
  oversight: {
    emergencies: { id: string; kind: string; summary: string; reportedAt: string; reports: { at: string; report: string }[]; closedAt: string | null }[];
    investigations: {
      id: string;
      subject: string;
      dueOn: string;
      requestedAt: string;
      answer: { at: string; summary: string; satisfactory: boolean } | null;
      overdue: boolean;
    }[];
    improvements: {
      id: string;
      investigationId: string | null;
      content: string;
      dueOn: string;
      requestedAt: string;
      publishedAt: string | null;
      completedAt: string | null;
      overdue: boolean;
    }[];
  };
}

const serviceArg = (ctx: CommandContext) => ctx.arg(0, 'the service (certification number or id)');
const view = (ctx: CommandContext, service: string) => ctx.api().get<ServiceView>(`/services/${encodeURIComponent(service)}`);
const post = (ctx: CommandContext, service: string, path: string, body?: unknown) => ctx.api().post(`/services/${encodeURIComponent(service)}/${path}`, body);
const done = async (ctx: CommandContext, service: string, path: string, body?: unknown) => {
  const r = await post(ctx, service, path, body);
  ctx.print(r, () => `${operationSummary(r)}${r.result?.id ? `\nid ${r.result.id}` : ''}`);
};

// --- Art. 10.2: the registered sites

export const originsList: Command = {
  name: 'origins list',
  summary: 'the web origins where the service’s mark may appear (Art. 10.2)',
  usage: '{number|id}',
  async run(ctx) {
    const v = await view(ctx, serviceArg(ctx));
    ctx.print({ origins: v.origins }, () => (v.origins.length ? v.origins.join('\n') : 'no registered origins'));
  },
};

async function replaceOrigins(ctx: CommandContext, change: (current: string[], given: string[]) => string[]) {
  const service = serviceArg(ctx);
  const given = ctx.args.slice(1);
  if (given.length === 0) throw new UsageError('name at least one origin (https://host[:port])');
  const current = (await view(ctx, service)).origins;
  const r = await post(ctx, service, 'origins', { origins: change(current, given) });
  ctx.print(r, () => operationSummary(r));
}

export const originsAdd: Command = {
  name: 'origins add',
  summary: 'register web origins for the service’s mark (Art. 10.2)',
  usage: '{number|id} {origin}…',
  run: (ctx) => replaceOrigins(ctx, (current, given) => [...new Set([...current, ...given])]),
};

export const originsRemove: Command = {
  name: 'origins remove',
  summary: 'remove registered web origins: the mark is no longer served there (Art. 10.2)',
  usage: '{number|id} {origin}…',
  run: (ctx) =>
    replaceOrigins(ctx, (current, given) => {
      const missing = given.filter((o) => !current.includes(o));
      if (missing.length) throw new UsageError(`not registered: ${missing.join(', ')}`);
      return current.filter((o) => !given.includes(o));
    }),
};

// --- Art. 13.1: change notices

export const changesList: Command = {
  name: 'changes list',
  summary: 'the versions of the application content (Art. 13.1)',
  usage: '{number|id}',
  async run(ctx) {
    const v = await view(ctx, serviceArg(ctx));
    ctx.print({ versions: v.versions }, () =>
      table(
        v.versions.map((x) => [x.version, x.at, x.changedKeys.join(', '), x.note]),
        ['version', 'at', 'changed', 'note'],
      ),
    );
  },
};

export const changesFile: Command = {
  name: 'changes file',
  summary: 'record a change notice (Art. 13.1): the application content gets a new version',
  usage: '{number|id} --items {items.json} --note {text} [--received {YYYY-MM-DD}]',
  options: {
    items: { type: 'string', description: 'a JSON file: every item of the new version, as for apply' },
    note: { type: 'string', description: 'what changed' },
    received: { type: 'string', description: 'the day the notice arrived (today when absent)' },
  },
  async run(ctx) {
    const file = ctx.required('items');
    let items: unknown;
    try {
      items = JSON.parse(readFileSync(resolve(ctx.cwd, file), 'utf8'));
    } catch (e) {
      throw new UsageError(`--items: cannot read a JSON array from ${file} (${(e as Error).message})`);
    }
    await done(ctx, serviceArg(ctx), 'changes', { items, note: ctx.required('note'), receivedOn: dateOption(ctx, 'received') });
  },
};

// --- Art. 14: emergencies

export const emergenciesList: Command = {
  name: 'emergencies list',
  summary: 'the service’s emergencies and their progress reports (Art. 14; an audited read)',
  usage: '{number|id}',
  async run(ctx) {
    const list = (await view(ctx, serviceArg(ctx))).oversight.emergencies;
    ctx.print({ emergencies: list }, () =>
      list.length === 0
        ? 'no emergencies'
        : table(
            list.map((e) => [e.id, e.kind, e.reportedAt, e.closedAt ?? 'in progress', e.reports.length, e.summary]),
            ['id', 'kind', 'reported', 'closed', 'reports', 'summary'],
          ),
    );
  },
};

export const emergenciesReport: Command = {
  name: 'emergencies report',
  summary: 'record an emergency notice: outage, leak or other (Art. 14)',
  usage: '{number|id} --kind outage|leak|other --summary {text} [--received {YYYY-MM-DD}]',
  options: {
    kind: { type: 'string', description: 'outage, leak or other' },
    summary: { type: 'string', description: 'what happened' },
    received: { type: 'string', description: 'the day the notice arrived (today when absent)' },
  },
  run: (ctx) =>
    done(ctx, serviceArg(ctx), 'emergencies', { kind: ctx.required('kind'), summary: ctx.required('summary'), receivedOn: dateOption(ctx, 'received') }),
};

export const emergenciesProgress: Command = {
  name: 'emergencies progress',
  summary: 'record a progress report on an emergency; --close ends it (Art. 14)',
  usage: '{number|id} {emergency id} --report {text} [--close]',
  options: {
    report: { type: 'string', description: 'the progress report' },
    close: { type: 'boolean', description: 'the emergency is over' },
  },
  run: (ctx) =>
    done(ctx, serviceArg(ctx), `emergencies/${encodeURIComponent(ctx.arg(1, 'the emergency id'))}/reports`, {
      report: ctx.required('report'),
      close: ctx.options.close === true,
    }),
};

// --- Art. 15: investigations

export const investigationsList: Command = {
  name: 'investigations list',
  summary: 'a service’s investigations (Art. 15); without a service, those overdue across all services',
  usage: '[{number|id}]',
  async run(ctx) {
    if (ctx.args.length === 0) {
      const r = await ctx.api().get<{ investigations: Record<string, unknown>[] }>('/oversight/overdue');
      ctx.print({ investigations: r.investigations }, () =>
        r.investigations.length === 0
          ? 'no investigation overdue'
          : table(
              r.investigations.map((i) => [i.id as string, i.serviceId as string, i.dueOn as string, i.subject as string]),
              ['id', 'service', 'due', 'subject'],
            ),
      );
      return;
    }
    const list = (await view(ctx, serviceArg(ctx))).oversight.investigations;
    ctx.print({ investigations: list }, () =>
      list.length === 0
        ? 'no investigations'
        : table(
            list.map((i) => [
              i.id,
              i.dueOn,
              i.answer ? (i.answer.satisfactory ? 'answered' : 'answered, unsatisfactory') : i.overdue ? 'OVERDUE' : 'open',
              i.subject,
            ]),
            ['id', 'due', 'state', 'subject'],
          ),
    );
  },
};

export const investigationsRequest: Command = {
  name: 'investigations request',
  summary: 'request explanations or materials from the vendor, with a due date (Art. 15)',
  usage: '{number|id} --subject {text} --due {YYYY-MM-DD}',
  options: { subject: { type: 'string', description: 'what is asked' }, due: { type: 'string', description: 'the due date' } },
  run: (ctx) => done(ctx, serviceArg(ctx), 'investigations', { subject: ctx.required('subject'), dueOn: ctx.required('due') }),
};

export const investigationsAnswer: Command = {
  name: 'investigations answer',
  summary: 'record the vendor’s answer; --unsatisfactory when it may ground a revocation (Art. 15, 17.1(6))',
  usage: '{number|id} {investigation id} --summary {text} [--unsatisfactory]',
  options: {
    summary: { type: 'string', description: 'what the vendor answered' },
    unsatisfactory: { type: 'boolean', description: 'the answer is not satisfactory' },
  },
  run: (ctx) =>
    done(ctx, serviceArg(ctx), `investigations/${encodeURIComponent(ctx.arg(1, 'the investigation id'))}/answer`, {
      summary: ctx.required('summary'),
      satisfactory: ctx.options.unsatisfactory !== true,
    }),
};

// --- Art. 16: improvement requests

export const improvementsList: Command = {
  name: 'improvements list',
  summary: 'a service’s improvement requests (Art. 16); without a service, those overdue across all services',
  usage: '[{number|id}]',
  async run(ctx) {
    if (ctx.args.length === 0) {
      const r = await ctx.api().get<{ improvements: Record<string, unknown>[] }>('/oversight/overdue');
      ctx.print({ improvements: r.improvements }, () =>
        r.improvements.length === 0
          ? 'no improvement request overdue'
          : table(
              r.improvements.map((i) => [i.id as string, i.serviceId as string, i.dueOn as string, i.content as string]),
              ['id', 'service', 'due', 'content'],
            ),
      );
      return;
    }
    const list = (await view(ctx, serviceArg(ctx))).oversight.improvements;
    ctx.print({ improvements: list }, () =>
      list.length === 0
        ? 'no improvement requests'
        : table(
            list.map((i) => [i.id, i.dueOn, i.completedAt ? 'completed' : i.overdue ? 'OVERDUE' : 'open', i.publishedAt ? 'published' : '-', i.content]),
            ['id', 'due', 'state', 'Art. 16.2', 'content'],
          ),
    );
  },
};

export const improvementsRequest: Command = {
  name: 'improvements request',
  summary: 'request an improvement following an investigation, with a due date (Art. 16.1); --publish publishes it (16.2)',
  usage: '{number|id} --investigation {id} --content {text} --due {YYYY-MM-DD} [--publish]',
  options: {
    investigation: { type: 'string', description: 'the investigation (Art. 15) it follows' },
    content: { type: 'string', description: 'what must be improved' },
    due: { type: 'string', description: 'the due date' },
    publish: { type: 'boolean', description: 'publish it (Art. 16.2)' },
  },
  run: (ctx) =>
    done(ctx, serviceArg(ctx), 'improvements', {
      investigationId: ctx.required('investigation'),
      content: ctx.required('content'),
      dueOn: ctx.required('due'),
      publish: ctx.options.publish === true,
    }),
};

export const improvementsPublish: Command = {
  name: 'improvements publish',
  summary: 'publish an improvement request (Art. 16.2)',
  usage: '{number|id} {improvement id}',
  run: (ctx) => done(ctx, serviceArg(ctx), `improvements/${encodeURIComponent(ctx.arg(1, 'the improvement id'))}/publication`),
};

export const improvementsComplete: Command = {
  name: 'improvements complete',
  summary: 'record that the improvement was made (Art. 16.1)',
  usage: '{number|id} {improvement id} --note {text}',
  options: { note: { type: 'string', description: 'what was checked' } },
  run: (ctx) => done(ctx, serviceArg(ctx), `improvements/${encodeURIComponent(ctx.arg(1, 'the improvement id'))}/completion`, { note: ctx.required('note') }),
};
