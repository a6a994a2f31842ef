/**
 * What the crawler reads of a page, from the browser itself through the DevTools protocol, never from the page's
 * JavaScript (issue 17): the whole tree with closed shadow roots (DOM.getDocument, pierce), each candidate's box
 * (DOM.getBoxModel) and computed style (CSS), and its pixels (Page.captureScreenshot of the box). A page script
 * may change what is drawn, and then the pixels show what it drew; it cannot change what the crawler is told
 * about it (overriding querySelectorAll, attachShadow, getBoundingClientRect or getComputedStyle does nothing).
 */
import type { CDPSession } from 'playwright-core';

export interface Candidate {
  kind: 'badge' | 'img' | 'svg';
  token: string | null;
  linkHref: string | null;
}

/** A node of DOM.getDocument's answer (the fields the crawler reads). */
export interface TreeNode {
  nodeId: number;
  backendNodeId: number;
  nodeType: number;
  localName?: string;
  attributes?: string[];
  children?: TreeNode[];
  shadowRoots?: TreeNode[];
  documentURL?: string;
  baseURL?: string;
}

export interface Found extends Candidate {
  nodeId: number;
  backendNodeId: number;
}

const ELEMENT = 1;
const TOKEN_IN_SRC = /\/mark\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.(?:svg|png)(?:[?#]|$)/;

function attrOf(n: TreeNode, name: string): string | null {
  const a = n.attributes ?? [];
  for (let i = 0; i + 1 < a.length; i += 2) if (a[i] === name) return a[i + 1]!;
  return null;
}

function firstLinkIn(nodes: readonly TreeNode[]): string | null {
  for (const n of nodes) {
    if (n.nodeType === ELEMENT && n.localName === 'a' && attrOf(n, 'href') !== null) return attrOf(n, 'href');
    const inner = firstLinkIn([...(n.shadowRoots ?? []), ...(n.children ?? [])]);
    if (inner !== null) return inner;
  }
  return null;
}

/**
 * What may be the mark, in document order: <certmark-badge> hosts (with the link their shadow root holds), images
 * and outermost inline SVG, in light and shadow trees; each with its link target (the nearest enclosing a[href],
 * across shadow boundaries, resolved as a click would) and any embed token. Pure: the tree in, the list out.
 */
export function candidatesIn(root: TreeNode): Found[] {
  const base = root.baseURL || root.documentURL || 'about:blank';
  const resolve = (href: string | null) => {
    if (href === null) return null;
    try {
      return new URL(href, base).href;
    } catch {
      return null;
    }
  };
  const out: Found[] = [];
  const walk = (n: TreeNode, links: (string | null)[], inSvg: boolean): void => {
    let link = links.at(-1) ?? null;
    if (n.nodeType === ELEMENT) {
      const tag = n.localName;
      const at = { nodeId: n.nodeId, backendNodeId: n.backendNodeId };
      if (tag === 'certmark-badge') {
        const inner = firstLinkIn(n.shadowRoots ?? []);
        out.push({ ...at, kind: 'badge', token: attrOf(n, 'token'), linkHref: inner !== null ? resolve(inner) : link });
        return; // the badge is one candidate: what its shadow root draws is judged by its pixels
      }
      if (tag === 'a' && attrOf(n, 'href') !== null) link = resolve(attrOf(n, 'href'));
      if (tag === 'img') out.push({ ...at, kind: 'img', token: TOKEN_IN_SRC.exec(resolve(attrOf(n, 'src')) ?? '')?.[1] ?? null, linkHref: link });
      else if (tag === 'svg' && !inSvg) out.push({ ...at, kind: 'svg', token: null, linkHref: link });
      if (tag === 'svg') inSvg = true;
    }
    const next = [...links, link];
    for (const s of n.shadowRoots ?? []) walk(s, next, inSvg);
    for (const c of n.children ?? []) walk(c, next, inSvg);
  };
  walk(root, [], false);
  return out;
}

/** The page's tree as the browser holds it (closed shadow roots included), and the DOM and CSS domains enabled. */
export async function pageTree(cdp: CDPSession): Promise<TreeNode> {
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  return root as TreeNode;
}

/** Whether the browser draws the candidate at a size worth judging (16 px to 2,000 × 2,000 px, visible, not transparent). */
export async function drawn(cdp: CDPSession, c: Found): Promise<boolean> {
  let width: number;
  let height: number;
  try {
    ({ width, height } = (await cdp.send('DOM.getBoxModel', { backendNodeId: c.backendNodeId })).model);
  } catch {
    return false; // not rendered (display: none, detached)
  }
  if (width < 16 || height < 16 || width * height > 4_000_000) return false;
  const { computedStyle } = await cdp.send('CSS.getComputedStyleForNode', { nodeId: c.nodeId });
  const style = new Map(computedStyle.map((p) => [p.name, p.value]));
  return style.get('visibility') !== 'hidden' && style.get('display') !== 'none' && Number(style.get('opacity') ?? '1') > 0;
}

/** The candidate's pixels as the browser draws them (its border box, at the device scale), PNG. */
export async function pixelsOf(cdp: CDPSession, c: Found, scale: number): Promise<Buffer> {
  await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: c.backendNodeId });
  const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: c.backendNodeId });
  const { cssVisualViewport: v } = await cdp.send('Page.getLayoutMetrics');
  const xs = [model.border[0]!, model.border[2]!, model.border[4]!, model.border[6]!];
  const ys = [model.border[1]!, model.border[3]!, model.border[5]!, model.border[7]!];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  const shot = await cdp.send('Page.captureScreenshot', {
    format: 'png',
    clip: { x: x + v.pageX, y: y + v.pageY, width: Math.max(...xs) - x, height: Math.max(...ys) - y, scale },
    captureBeyondViewport: true,
  });
  return Buffer.from(shot.data, 'base64');
}
