import type { Command } from '../command';

/** One service in full, as staff see it (the server audits the confidential parts read, Art. 20). */
export const service: Command = {
  name: 'service',
  summary: 'show one service: status, periods, disclosure items (withheld ones marked), origins, oversight',
  usage: '{number|id}',
  async run(ctx) {
    const id = ctx.arg(0, 'the service (certification number or id)');
    const v = await ctx.api().get(`/services/${encodeURIComponent(id)}`);
    ctx.print(v, () => {
      const lines = [
        `${v.number ?? '(no number yet)'}  ${v.nameJa}${v.nameEn ? ` / ${v.nameEn}` : ''}`,
        `  id:        ${v.id}`,
        `  vendor:    ${v.vendor.nameJa} (${v.vendor.id})`,
        `  status:    ${v.status ?? 'not applied'} (mark ${v.servesMark ? 'served' : 'not served'})`,
        ...v.periods.map(
          (p: { seq: number; kind: string; certifiedOn: string; validThrough: string }) =>
            `  period ${p.seq}:  ${p.kind}, certified ${p.certifiedOn}, valid through ${p.validThrough}`,
        ),
        ...(v.renewalWindow && v.status === 'certified'
          ? [`  renewal:   may be filed ${v.renewalWindow.opensOn} to ${v.renewalWindow.closesOn} (Art. 12.1)`]
          : []),
        ...(v.renewal
          ? [
              `  renewal:   filed ${v.renewal.filedOn}${v.renewal.overrideReason ? ` outside the window (${v.renewal.overrideReason})` : ''}; self-declaration: ${v.renewal.selfDeclaration.usedMarkCorrectly ? 'used the mark correctly' : 'did NOT use the mark correctly'} (Art. 10.7)`,
            ]
          : []),
        ...(v.extension ? [`  extension: in force until ${v.extension.until} (Art. 12.2): ${v.extension.reason}`] : []),
        ...(v.closure ? [`  closure:   ${JSON.stringify(v.closure)}`] : []),
        `  origins:   ${v.origins.join(', ') || '(none)'}`,
        `  items (version ${v.disclosure.version}):`,
        ...v.disclosure.items.map(
          (i: { key: string; valueJa: string; withheld: boolean; withheldReason: string | null }) =>
            `    ${i.key}: ${i.valueJa}${i.withheld ? `  [withheld: ${i.withheldReason}]` : ''}`,
        ),
        `  oversight: ${v.oversight.emergencies.length} emergencies, ${v.oversight.investigations.length} investigations, ${v.oversight.improvements.length} improvement requests`,
        `  events:    ${v.events.length}`,
      ];
      return lines.join('\n');
    });
  },
};
