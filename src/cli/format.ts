/** Plain-text output for people: aligned columns and one-line summaries. */

/** Columns a terminal gives the text: Japanese (East Asian wide and fullwidth) characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text)
    w +=
      /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(
        ch,
      )
        ? 2
        : 1;
  return w;
}

export function table(rows: readonly (readonly (string | number | null | undefined)[])[], header: readonly string[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - displayWidth(c)))).join('  ')).join('\n');
}

/** What a lifecycle operation did: the service, its status after, and the events written. */
export function operationSummary(r: {
  service: { id: string; number: string | null; status: string | null };
  events: { id: number; type: string; article: string | null }[];
}): string {
  const who = r.service.number ?? r.service.id;
  const events = r.events.map((e) => `  #${e.id} ${e.type}${e.article ? ` (${e.article})` : ''}`);
  return [`${who}: ${r.service.status ?? 'not applied'}`, ...events].join('\n');
}
