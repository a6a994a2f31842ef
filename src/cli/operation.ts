import type { Command, CommandContext, OptionSpec } from './command';
import { operationSummary } from './format';

/** A command that runs one lifecycle operation on a service: POST /services/{service}/{path}. */
export function lifecycleCommand(spec: {
  name: string;
  summary: string;
  usage: string;
  options?: Record<string, OptionSpec>;
  path: string;
  body: (ctx: CommandContext) => unknown;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `{number|id} ${spec.usage}`.trimEnd(),
    ...(spec.options ? { options: spec.options } : {}),
    async run(ctx) {
      const service = ctx.arg(0, 'the service (certification number or id)');
      const body = spec.body(ctx);
      const r = await ctx.api().post(`/services/${encodeURIComponent(service)}/${spec.path}`, body);
      ctx.print(r, () => operationSummary(r));
    },
  };
}

/** A calendar date option (YYYY-MM-DD); the server checks it is a real day. */
export function dateOption(ctx: CommandContext, name: string): string | null {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : null;
}
