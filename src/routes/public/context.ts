import type { AppDeps } from '../../http/env';
import { createPublication, type Publication } from '../../publication/snapshot';
import { messages, type Lang } from '../../views/i18n';
import { inlineMark } from '../../views/mark';

/** What the public routes share, made once per app (no I/O here). */
export interface PublicContext {
  deps: AppDeps;
  publication: Publication;
  base: string;
  baseOrigin: string;
  /** The official colour mark (loaded by prepareDeps) as inline SVG labelled in `lang`, or null if unusable. */
  officialMark(lang: Lang): string | null;
}

export function publicContext(deps: AppDeps): PublicContext {
  const base = deps.config.publicBaseUrl;
  const marks = new Map<Lang, string | null>();
  return {
    deps,
    publication: createPublication(deps.database, deps.clock),
    base,
    baseOrigin: new URL(base).origin,
    officialMark: (lang) => {
      if (!marks.has(lang)) marks.set(lang, inlineMark(deps.mark.svg('colour'), messages(lang).markCaption));
      return marks.get(lang)!;
    },
  };
}
