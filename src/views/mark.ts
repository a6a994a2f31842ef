/**
 * The official mark inline on the verification page (Art. 10.1, 10.3, 10.5): the master SVG whole, unchanged
 * in shape and colour, given an accessible name. Only our own master is inlined, and only when it holds no
 * script, event handler, style or external reference (the CSP would block them anyway).
 */
export function inlineMark(master: string | Uint8Array, label: string): string | null {
  const text = typeof master === 'string' ? master : Buffer.from(master).toString('utf8');
  const body = text
    .replace(/<\?xml[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<title>[\s\S]*?<\/title>/g, '')
    .trim();
  if (!/^<svg[\s>]/.test(body)) return null;
  if (/<script|<foreignObject|\son\w+\s*=|\sstyle\s*=|<style|href\s*=\s*["'](?!#)/i.test(body)) return null;
  const escaped = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return body.replace(/^<svg/, `<svg role="img" aria-label="${escaped}" focusable="false" class="mark-svg"`);
}
