/** The badge script: defines <certmark-badge>. Its certmark origin is where this script came from. */
import { defineBadge } from './badge';

const src = (document.currentScript as HTMLScriptElement | null)?.src;
defineBadge(src ? new URL(src).origin : null);
