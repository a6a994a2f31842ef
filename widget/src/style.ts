/**
 * The badge's look, scoped to its shadow root. The :host rules use !important on purpose: inside a shadow root,
 * an important declaration beats every declaration of the page on the element itself (even an inline or
 * !important one), so the page cannot filter, fade, clip, mask, blend, transform, zoom, shrink or cover the badge
 * (Art. 10.5). Ancestors are out of reach; guard.ts looks at them.
 */
export const MARK = 56;
export const W = 300;
export const H = 64;

const CSS =
  `:host{all:initial;display:inline-block;vertical-align:middle;` +
  `width:${W}px!important;height:${H}px!important;min-width:0!important;max-width:none!important;min-height:0!important;max-height:none!important;` +
  `box-sizing:content-box!important;filter:none!important;opacity:1!important;clip-path:none!important;mask:none!important;-webkit-mask:none!important;` +
  `mix-blend-mode:normal!important;transform:none!important;rotate:none!important;scale:none!important;zoom:1!important;` +
  `overflow:visible!important;outline:none!important;contain:none!important;content-visibility:visible!important;-webkit-box-reflect:none!important}` +
  `:host::before,:host::after{content:none!important}` +
  `.b{all:initial;visibility:inherit;position:relative;display:flex;align-items:center;box-sizing:border-box;width:${W}px;height:${H}px;padding:3px 8px 3px 3px;` +
  `border:1px solid #c4c4c4;border-radius:6px;background:#fff;color:#222;text-align:left;` +
  `font:12px/1.35 system-ui,-apple-system,"Hiragino Sans","Yu Gothic UI","Noto Sans CJK JP",sans-serif}` +
  `.x{background:#f4f4f4;border-color:#8c8c8c;color:#333;padding-left:10px}` +
  `a{color:#0b57a4;text-decoration:underline;cursor:pointer}a:focus-visible{outline:2px solid #0b57a4;outline-offset:2px}` +
  `.l{display:flex;align-items:center;gap:6px;width:100%;height:100%;color:inherit;text-decoration:none;border-radius:4px}` +
  `.m{display:block;flex:none;width:${MARK}px;height:${MARK}px;margin:0;padding:0;border:0;max-width:none;max-height:none}` +
  `.t{display:flex;flex-direction:column;min-width:0}.t>*{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}` +
  `.l .t{line-height:1.2}.l .s{font-size:11px}.l .k{font-size:10.5px}.n{font-weight:700;font-size:13px}.x .t>:nth-child(2){font-size:11.5px}.s{color:#555}.r{margin-left:8px}` +
  `.c{display:none;position:absolute;left:0;top:calc(100% + 4px);z-index:2147483647;width:max-content;max-width:300px;padding:8px 10px;` +
  `background:#fff;color:#222;border:1px solid #999;border-radius:6px;box-shadow:0 2px 8px #0003;white-space:normal}` +
  `.b:hover .c,.b:focus-within .c{display:block}.c b{font-weight:700}`;

/**
 * A constructable stylesheet: a page whose CSP style-src has no 'unsafe-inline' blocks a <style> element but not
 * this. Browsers without constructable stylesheets get the <style> element (and its CSP, if any).
 */
let sheet: CSSStyleSheet | undefined;

export function adopt(root: ShadowRoot): void {
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(Object.assign(document.createElement('style'), { textContent: CSS }));
  }
}
