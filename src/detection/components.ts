/** Connected parts of a foreground mask, and their grouping into candidate regions. */
import type { Rect } from './segment';

export interface Component extends Rect {
  area: number;
}

/** 8-connected components of `mask >= 0.5` (bounding boxes and areas); `label` gives each pixel's index or -1. */
export function components(mask: Float32Array, w: number, h: number): { parts: Component[]; label: Int32Array } {
  // padded binary copy: no bounds checks in the flood fill
  const W = w + 2;
  const ink = new Uint8Array(W * (h + 2));
  let inked = 0;
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * W + 1;
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x]! >= 0.5) {
        ink[row + x] = 1;
        inked++;
      }
    }
  }
  const label = new Int32Array(w * h).fill(-1);
  const stack = new Int32Array(inked + 1);
  const found: Component[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const start = (y + 1) * W + x + 1;
      if (ink[start] !== 1) continue;
      const id = found.length;
      let sp = 0;
      stack[sp++] = start;
      ink[start] = 2;
      let x0 = x;
      let y0 = y;
      let x1 = x;
      let y1 = y;
      let area = 0;
      while (sp > 0) {
        const p = stack[--sp]!;
        const py = ((p / W) | 0) - 1;
        const px = p - (py + 1) * W - 1;
        label[py * w + px] = id;
        area++;
        if (px < x0) x0 = px;
        else if (px > x1) x1 = px;
        if (py < y0) y0 = py;
        else if (py > y1) y1 = py;
        // the eight neighbours, unrolled
        let q = p - W - 1;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
        q = p - W;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
        q = p - W + 1;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
        q = p - 1;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
        q = p + 1;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
        q = p + W - 1;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
        q = p + W;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
        q = p + W + 1;
        if (ink[q] === 1) {
          ink[q] = 2;
          stack[sp++] = q;
        }
      }
      found.push({ left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, area });
    }
  }
  return { parts: found, label };
}

/** Merges components whose boxes overlap once widened by a gap proportional to their size. */
export function groupComponents(parts: Component[], maxParts = 4000): Component[] {
  let groups = parts.length > maxParts ? parts.filter((c) => c.area >= 6) : [...parts];
  groups = groups.slice(0, maxParts);
  let merged = true;
  while (merged) {
    merged = false;
    const next: Component[] = [];
    for (const c of groups) {
      let absorbed = false;
      for (const g of next) {
        const gap = Math.max(2, Math.round(0.04 * Math.min(Math.max(g.width, g.height), Math.max(c.width, c.height))));
        if (c.left <= g.left + g.width + gap && g.left <= c.left + c.width + gap && c.top <= g.top + g.height + gap && g.top <= c.top + c.height + gap) {
          const left = Math.min(g.left, c.left);
          const top = Math.min(g.top, c.top);
          g.width = Math.max(g.left + g.width, c.left + c.width) - left;
          g.height = Math.max(g.top + g.height, c.top + c.height) - top;
          g.left = left;
          g.top = top;
          g.area += c.area;
          absorbed = true;
          merged = true;
          break;
        }
      }
      if (!absorbed) next.push({ ...c });
    }
    groups = next;
  }
  return groups;
}
