/**
 * Art. 10.5: no recolouring, no partial mark. The :host rules (style.ts) protect the badge element itself; what the
 * page does to the badge's ancestors cannot be blocked from inside, so it is looked at here. When the mark would
 * not be drawn whole, at its size and in its own colours, the badge shows a neutral notice instead of the mark.
 */

import { H, W } from './style';

/** The element, then each ancestor up to the document, crossing out of shadow roots. */
function* chain(el: Element): Generator<Element> {
  for (let e: Element | null = el; e; ) {
    yield e;
    e = e.parentElement ?? ((e.getRootNode() as ShadowRoot).host || null);
  }
}

/** Only translation and uniform, unmirrored scaling keep the mark undistorted. */
function distorts(s: CSSStyleDeclaration): boolean {
  if (s.rotate !== 'none' || (s.scale !== 'none' && new Set(s.scale.split(' ')).size > 1)) return true;
  if (s.transform === 'none') return false;
  const m = new DOMMatrix(s.transform);
  return !m.is2D || m.b !== 0 || m.c !== 0 || m.a !== m.d || m.a <= 0;
}

/** True when the page would alter the badge `box` (the frame in `host`'s shadow root that holds the mark). */
export function altered(host: Element, box: Element): boolean {
  const r = box.getBoundingClientRect();
  // Stretched, squashed or shrunk out of legibility (a scale on an ancestor, zoom).
  if (Math.abs(r.width * H - r.height * W) > W || r.width < W / 2) return true;
  for (const pseudo of ['::before', '::after']) {
    if (!/^(none|normal)$/.test(getComputedStyle(host, pseudo).content)) return true;
  }
  for (const el of chain(host)) {
    const s = getComputedStyle(el);
    if (
      s.filter !== 'none' ||
      +s.opacity < 1 ||
      s.clipPath !== 'none' ||
      (s.maskImage || s.webkitMaskImage || 'none') !== 'none' ||
      s.mixBlendMode !== 'normal' ||
      distorts(s)
    )
      return true;
    // Cropped by an ancestor that hides its overflow (scrolling containers are left alone: the reader can scroll).
    if (el !== host && /hidden|clip/.test(s.overflowX + s.overflowY)) {
      const c = el.getBoundingClientRect();
      if (r.left < c.left || r.top < c.top || r.right > c.right || r.bottom > c.bottom) return true;
    }
  }
  // Covered: whatever is drawn over the badge must be the badge itself (checked where the mark is in view).
  const root = host.getRootNode() as Document | ShadowRoot;
  const inset = 3;
  for (const [x, y] of [
    [r.left + r.width / 2, r.top + r.height / 2],
    [r.left + inset, r.top + inset],
    [r.right - inset, r.top + inset],
    [r.left + inset, r.bottom - inset],
    [r.right - inset, r.bottom - inset],
  ] as const) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    const top = root.elementFromPoint(x, y);
    if (top && top !== host) return true;
  }
  return false;
}
