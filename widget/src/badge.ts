/** <certmark-badge token="…" [base="…"]>: asks certmark about its token and draws what the answer allows. */
import { ask, numberIn, type Answer } from './api';
import { altered } from './guard';
import { adopt } from './style';
import { langOf, TEXT } from './text';
import { inLang, notice, plain, valid, waiting } from './view';

/** How often the page's styling around a shown mark is looked at again (hover and focus also trigger a look). */
const RECHECK_MS = 1000;

export function defineBadge(scriptBase: string | null): void {
  if (customElements.get('certmark-badge')) return;

  class CertmarkBadge extends HTMLElement {
    static observedAttributes = ['token', 'base'];
    // Closed: scripts of the page (and the dark-mode, translation or A/B tools it loads) cannot reach in and
    // restyle or swap the mark; CSS cannot cross a shadow boundary either way.
    private _root: ShadowRoot;
    private _run = 0;
    private _answer: Answer | null = null;
    private _marked = false;
    private _timer = 0;

    constructor() {
      super();
      // Closed: the page's scripts (and the dark-mode, translation or A/B-testing tools it loads) cannot reach in
      // to restyle or swap the mark. CSS cannot cross the boundary either way; closed or open, that is the same.
      this._root = this.attachShadow({ mode: 'closed' });
      adopt(this._root);
      this.addEventListener('pointerenter', () => this._check());
      this.addEventListener('focusin', () => this._check());
    }

    connectedCallback() {
      this._load();
      this._timer = window.setInterval(() => this._check(), RECHECK_MS);
    }

    disconnectedCallback() {
      clearInterval(this._timer);
      this._timer = 0;
    }

    attributeChangedCallback(_name: string, old: string | null, now: string | null) {
      // Before connectedCallback (an upgrade replays the attributes), connecting loads anyway.
      if (old !== now && this._timer) this._load();
    }

    private _base(): string | null {
      return this.getAttribute('base')?.replace(/\/+$/, '') || scriptBase;
    }

    private _load() {
      const run = ++this._run;
      const token = this.getAttribute('token') || '';
      const base = this._base();
      this._answer = null;
      this._paint();
      if (!base) return;
      ask(base, token).then((answer) => {
        if (run !== this._run) return; // the token changed meanwhile
        this._answer = answer;
        this._paint();
      });
    }

    /** Draws the state the answer and the page allow. The mark appears only when nothing would alter it. */
    private _paint() {
      const lang = langOf(this);
      const t = TEXT[lang];
      const base = this._base() || '';
      const a = this._answer;
      const registry: [string, string] = [`${base}/registry`, t.registry];
      const show = (view: HTMLElement) => this._root.replaceChildren(view);
      this._marked = false;
      if (!a) return show(waiting(t, lang));
      if (a.kind === 'unknown') return show(notice(null, t.states.unknown, registry, lang));
      if (a.kind === 'offline') {
        const n = numberIn(this.getAttribute('token') || '');
        return show(n ? plain(inLang(`${base}/verify/${encodeURIComponent(n)}`, lang), t.offline(n), lang) : plain(...registry, lang));
      }
      const f = a.facts;
      const verify: [string, string] = [inLang(f.verifyUrl, lang), t.verify];
      // Art. 10.2: the mark is for the registered sites only.
      if (!f.siteAllowed) return show(notice(f, t.notHere, verify, lang, [f.reportUrl, t.report]));
      if (!f.showMark || !f.markUrl) {
        // Art. 10.1, 10.6, 10.8: outside validity the badge never draws the mark.
        const s = f.status === 'certified' || f.status === 'renewal_pending' ? 'hidden' : f.status;
        // One term per status, the pages' own (src/views/vocabulary.ts), named with the scheme.
        return show(
          notice(f, s === 'hidden' ? t.states.hidden : lang === 'ja' ? `${t.states[s]}（${t.scheme}）` : `${t.states[s]} (${t.scheme})`, verify, lang),
        );
      }
      const view = valid(f, f.markUrl, t, lang);
      show(view);
      // Art. 10.5: where the page would recolour, crop, cover or distort the mark, say so instead of showing it.
      if (altered(this, view)) show(notice(f, t.altered, verify, lang));
      else this._marked = true;
    }

    /** Looks again; repaints only when showing the mark and the page's styling disagree. */
    private _check() {
      const a = this._answer;
      if (a?.kind !== 'facts' || !a.facts.siteAllowed || !a.facts.showMark) return;
      const view = this._root.firstElementChild;
      if (view && this._marked === altered(this, view)) this._paint();
    }
  }

  customElements.define('certmark-badge', CertmarkBadge);
}
