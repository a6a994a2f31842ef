/**
 * What the integration checker (./integration-check.ts) reads of the vendor's page: the crawler's own reading
 * (src/crawler/rendered.ts), from the browser through the DevTools protocol and never from the page's scripts:
 * the badges with what their closed shadow roots hold, copies of the mark outside a badge, and the pixels of
 * each, judged by the sightings' matcher against the official mark (Art. 10.5).
 */
import type { CDPSession } from 'playwright-core';
import { candidatesIn, drawn, type Found, pageTree, pixelsOf, type TreeNode } from '../crawler/rendered';
import { decodeImage } from '../detection/decode';
import type { ImageVerdict, MarkMatcher } from '../detection/image';

type Node = TreeNode & { nodeValue?: string };
export type Finding = ImageVerdict['finding'];

export interface BadgeState {
  /** The widget drew into it (it attaches a closed shadow root). */
  shadow: boolean;
  /** Still asking certmark. */
  busy: boolean;
  /** It shows the mark (its <img class="m">) rather than a notice. */
  markShown: boolean;
  link: string | null;
  text: string;
  /** The matcher's word on its pixels; null when nothing was drawn to judge. */
  verdict: Finding | null;
}

export interface PageReading {
  badges: BadgeState[];
  copies: Finding[];
}

const attr = (n: Node, name: string): string | null => {
  const a = n.attributes ?? [];
  for (let i = 0; i + 1 < a.length; i += 2) if (a[i] === name) return a[i + 1]!;
  return null;
};
const kids = (n: Node): Node[] => [...(n.shadowRoots ?? []), ...(n.children ?? [])];

function find(n: Node, id: number): Node | null {
  if (n.nodeId === id) return n;
  for (const k of kids(n)) {
    const f = find(k, id);
    if (f) return f;
  }
  return null;
}

const some = (nodes: Node[], test: (n: Node) => boolean): boolean => nodes.some((n) => test(n) || some(kids(n), test));
const textOf = (nodes: Node[]): string => nodes.map((n) => (n.nodeType === 3 ? (n.nodeValue ?? '') : textOf(kids(n)))).join('');

async function verdictOf(cdp: CDPSession, c: Found, matcher: MarkMatcher, scale: number): Promise<Finding | null> {
  try {
    if (!(await drawn(cdp, c))) return null;
    return (await matcher.analyse(await decodeImage(await pixelsOf(cdp, c, scale)))).finding;
  } catch {
    return null; // gone or not drawable meanwhile
  }
}

/** The badges' state without judging pixels (cheap: for waiting until they settle). */
export async function badgeStates(cdp: CDPSession): Promise<{ tree: Node; found: Found[]; states: Omit<BadgeState, 'verdict'>[] }> {
  const tree = (await pageTree(cdp)) as Node;
  const found = candidatesIn(tree);
  const states = found
    .filter((c) => c.kind === 'badge')
    .slice(0, 5)
    .map((c) => {
      const shadow = find(tree, c.nodeId)?.shadowRoots ?? [];
      return {
        shadow: shadow.length > 0,
        busy: some(shadow, (n) => attr(n, 'aria-busy') === 'true'),
        markShown: some(shadow, (n) => n.localName === 'img' && (attr(n, 'class') ?? '').split(/\s+/).includes('m')),
        link: c.linkHref,
        text: textOf(shadow).slice(0, 300),
      };
    });
  return { tree, found, states };
}

/**
 * Waits (at most `waitMs`) until every badge has its answer, then reads and judges what the page shows. A badge
 * the widget never drew into (its script did not run) is waited for a second at most.
 */
export async function readPage(cdp: CDPSession, matcher: MarkMatcher, scale: number, waitMs: number): Promise<PageReading> {
  const start = Date.now();
  let read = await badgeStates(cdp);
  const waiting = () => read.states.some((s) => s.busy) || (read.states.some((s) => !s.shadow) && Date.now() - start < 1_000);
  while (waiting() && Date.now() - start < waitMs) {
    await new Promise((r) => setTimeout(r, 200));
    read = await badgeStates(cdp);
  }
  const badges: BadgeState[] = [];
  const list = read.found.filter((c) => c.kind === 'badge').slice(0, 5);
  for (const [i, s] of read.states.entries()) badges.push({ ...s, verdict: s.markShown ? await verdictOf(cdp, list[i]!, matcher, scale) : null });
  const copies: Finding[] = [];
  for (const c of read.found.filter((x) => x.kind === 'img' && x.token).slice(0, 3)) {
    const v = await verdictOf(cdp, c, matcher, scale);
    if (v) copies.push(v);
  }
  return { badges, copies };
}
