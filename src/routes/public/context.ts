import type { AppDeps } from '../../app';
import { DEFAULT_MARK_DIR, loadMarkMasters } from '../../mark/masters';
import { createMarkRenderer } from '../../mark/render';
import { createPublication, type Publication } from '../../publication/snapshot';
import { messages, type Lang } from '../../views/i18n';
import { inlineMark } from '../../views/mark';

/** What the public routes share, made once per app (no I/O here: the mark masters are read on first use). */
export interface PublicContext {
  deps: AppDeps;
  publication: Publication;
  base: string;
  baseOrigin: string;
  /** The official mark as inline SVG with a label in `lang`, or null if the masters cannot be read. */
  officialMark(lang: Lang): Promise<string | null>;
}

export function publicContext(deps: AppDeps): PublicContext {
  const base = deps.config.publicBaseUrl;
  let masters: Promise<Record<Lang, string | null>> | null = null;
  const load = async (): Promise<Record<Lang, string | null>> => {
    try {
      const renderer = createMarkRenderer(await loadMarkMasters(deps.config.markDir ?? DEFAULT_MARK_DIR));
      const svg = renderer.svg('colour');
      return { ja: inlineMark(svg, messages('ja').markCaption), en: inlineMark(svg, messages('en').markCaption) };
    } catch (err) {
      deps.logger.error({ err }, 'the mark masters could not be read; the verification page shows no mark');
      masters = null; // try again on the next request
      return { ja: null, en: null };
    }
  };
  return {
    deps,
    publication: createPublication(() => deps.database.db, deps.clock),
    base,
    baseOrigin: new URL(base).origin,
    officialMark: async (lang) => (await (masters ??= load()))[lang],
  };
}
