/**
 * What runs inside the crawled page. Kept as plain JavaScript text (not functions) so no compiler helper leaks
 * into the page. The badge draws itself in a closed shadow root; the init script keeps a reference to every
 * shadow root a page attaches, open or closed, so the crawler can read the badge's link as a visitor's click would.
 */

/** Runs before any script of the page. */
export const INIT_SCRIPT = `(() => {
  const roots = new WeakMap();
  const attach = Element.prototype.attachShadow;
  Object.defineProperty(window, '__certmarkShadowRoots', { value: roots, enumerable: false });
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    roots.set(this, root);
    return root;
  };
})();`;

/** Finds what may be the mark: <certmark-badge> hosts, images and top-level inline SVG, in light and shadow trees. */
export const FIND_SCRIPT = `(() => {
  const roots = window.__certmarkShadowRoots;
  const rootOf = (el) => el.shadowRoot || (roots && roots.get(el)) || null;
  const up = (n) => n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
  const linkOf = (el) => {
    for (let n = el; n; n = up(n)) if (n.localName === 'a' && n.hasAttribute('href')) return n.href;
    return null;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width >= 16 && r.height >= 16 && r.width * r.height <= 4000000 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
  };
  const tokenIn = (src) => {
    const m = /\\/mark\\/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)\\.(?:svg|png)(?:[?#]|$)/.exec(src || '');
    return m ? m[1] : null;
  };
  const els = [];
  const info = [];
  const add = (el, kind, token, linkHref) => { els.push(el); info.push({ kind, token, linkHref }); };
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.localName;
      if (tag === 'certmark-badge') {
        const shadow = rootOf(el);
        const inner = shadow ? shadow.querySelector('a[href]') : null;
        if (visible(el)) add(el, 'badge', el.getAttribute('token'), inner ? inner.href : linkOf(el));
        continue;
      }
      if (tag === 'img' && visible(el)) add(el, 'img', tokenIn(el.currentSrc || el.src), linkOf(el));
      else if (tag === 'svg' && !(el.parentElement && el.parentElement.closest('svg')) && visible(el)) add(el, 'svg', null, linkOf(el));
      const shadow = rootOf(el);
      if (shadow) walk(shadow);
    }
  };
  walk(document);
  return { els, info };
})()`;
