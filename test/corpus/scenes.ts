/** SVG scenes for the corpus: patterned backgrounds, a page-like screenshot, and unrelated logos. */

export function patternSvg(kind: 'stripes' | 'checks' | 'dots' | 'plain', w: number, h: number, _tone: 'light' | 'any'): string {
  const defs = {
    stripes:
      '<pattern id="p" width="12" height="12" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="12" height="12" fill="#eef2f7"/><rect width="6" height="12" fill="#dde4ed"/></pattern>',
    checks:
      '<pattern id="p" width="32" height="32" patternUnits="userSpaceOnUse"><rect width="32" height="32" fill="#f6f6f6"/><rect width="16" height="16" fill="#e4e4e4"/><rect x="16" y="16" width="16" height="16" fill="#e4e4e4"/></pattern>',
    dots: '<pattern id="p" width="12" height="12" patternUnits="userSpaceOnUse"><rect width="12" height="12" fill="#f8fafc"/><circle cx="6" cy="6" r="2" fill="#d5dde7"/></pattern>',
    plain: '<pattern id="p" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ffffff"/></pattern>',
  }[kind];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs>${defs}</defs><rect width="${w}" height="${h}" fill="url(#p)"/></svg>`;
}

/** Where the mark goes on the page (all on areas without other content). */
export const PAGE_SLOTS = [
  { name: 'body-128', left: 880, top: 300, width: 128 },
  { name: 'card-96', left: 1072, top: 532, width: 96 },
  { name: 'footer-64', left: 40, top: 718, width: 64 },
  { name: 'small-48', left: 440, top: 600, width: 48 },
] as const;

/** A 1280 x 800 page: header bar, text as grey bars, an image placeholder, a side card, a footer band. */
export function pageSvg(): string {
  const bars: string[] = [];
  const para = (x: number, y: number, lines: number, width: number) => {
    for (let i = 0; i < lines; i++) {
      const w = i === lines - 1 ? width * 0.6 : width - ((i * 37) % 60);
      bars.push(`<rect x="${x}" y="${y + i * 22}" width="${w}" height="10" rx="3" fill="#9aa3af"/>`);
    }
  };
  para(40, 150, 8, 700);
  para(40, 370, 7, 680);
  para(840, 110, 6, 380);
  para(140, 730, 2, 420);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="800">
<rect width="1280" height="800" fill="#ffffff"/>
<rect width="1280" height="64" fill="#1e3a5f"/>
<rect x="40" y="24" width="160" height="16" rx="4" fill="#ffffff"/>
<rect x="860" y="26" width="80" height="12" rx="3" fill="#c7d2fe"/><rect x="960" y="26" width="80" height="12" rx="3" fill="#c7d2fe"/><rect x="1060" y="26" width="80" height="12" rx="3" fill="#c7d2fe"/>
<rect x="40" y="96" width="420" height="28" rx="4" fill="#1f2937"/>
${bars.join('\n')}
<rect x="40" y="560" width="300" height="120" fill="#cbd5e1"/><circle cx="120" cy="620" r="30" fill="#94a3b8"/><path d="M 180 680 L 250 590 L 330 680 Z" fill="#64748b"/>
<rect x="1000" y="480" width="240" height="200" rx="8" fill="#f3f4f6" stroke="#d1d5db" stroke-width="2"/>
<rect x="1020" y="650" width="200" height="10" rx="3" fill="#9aa3af"/>
<rect y="700" width="1280" height="100" fill="#f1f5f9"/>
</svg>`;
}

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">${body}</svg>`;

/** Logos that are not the mark, some deliberately built from similar elements (ring, cross, check). */
export const UNRELATED_LOGOS: Record<string, string> = {
  'ring-centred-cross': svg(
    '<circle cx="120" cy="120" r="94" fill="none" stroke="#0b6e8a" stroke-width="24"/><path d="M 108 70 H 132 V 108 H 170 V 132 H 132 V 170 H 108 V 132 H 70 V 108 H 108 Z" fill="#d7263d"/>',
  ),
  'ring-inner-check': svg(
    '<circle cx="120" cy="120" r="100" fill="none" stroke="#0b6e8a" stroke-width="20"/><path d="M 70 125 L 105 160 L 175 80" fill="none" stroke="#e8a800" stroke-width="22"/>',
  ),
  'full-ring': svg('<circle cx="120" cy="124" r="94" fill="none" stroke="#0b6e8a" stroke-width="24"/>'),
  'shield-check': svg(
    '<path d="M 120 12 L 212 44 V 120 C 212 176 170 214 120 230 C 70 214 28 176 28 120 V 44 Z" fill="#1f5fbf"/><path d="M 76 122 L 108 154 L 168 88" fill="none" stroke="#ffffff" stroke-width="20"/>',
  ),
  'star-disc': svg(
    '<circle cx="120" cy="120" r="110" fill="#e8a800"/><path d="M 120 40 L 141 98 L 202 98 L 153 134 L 171 194 L 120 158 L 69 194 L 87 134 L 38 98 L 99 98 Z" fill="#ffffff"/>',
  ),
  'text-badge': svg(
    '<rect x="8" y="70" width="224" height="100" rx="18" fill="#2e8b57"/><text x="120" y="132" text-anchor="middle" font-family="DejaVu Sans,sans-serif" font-size="30" font-weight="bold" fill="#ffffff">CERTIFIED</text>',
  ),
  hexagon: svg(
    '<path d="M 120 10 L 215 65 V 175 L 120 230 L 25 175 V 65 Z" fill="#7b2fbe"/><path d="M 80 150 C 80 90 140 70 170 70 C 170 120 140 160 80 150 Z" fill="#ffffff"/>',
  ),
  'heart-pulse': svg(
    '<path d="M 120 210 C 40 150 10 110 30 70 C 50 30 100 35 120 75 C 140 35 190 30 210 70 C 230 110 200 150 120 210 Z" fill="#d7263d"/><path d="M 40 120 H 90 L 105 90 L 125 150 L 140 120 H 200" fill="none" stroke="#ffffff" stroke-width="10"/>',
  ),
  wordmark: svg(
    '<text x="120" y="138" text-anchor="middle" font-family="DejaVu Sans,sans-serif" font-size="44" font-weight="bold" fill="#1f2937">MedCloud</text>',
  ),
  capsule: svg(
    '<rect x="20" y="80" width="200" height="80" rx="40" fill="#0b6e8a" transform="rotate(-30 120 120)"/><rect x="120" y="80" width="100" height="80" rx="0" fill="#e8a800" transform="rotate(-30 120 120)"/>',
  ),
};
