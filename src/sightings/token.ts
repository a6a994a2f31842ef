/** The embed token found with a sighting, checked as the mark endpoint checks it (src/tokens: EdDSA, our keys). */
import type { AppDeps } from '../http/env';
import type { TokenCheck } from './detect';

export function sightingTokenCheck(deps: Pick<AppDeps, 'tokens'>): (token: string) => Promise<TokenCheck> {
  return (token) => deps.tokens.verify(token);
}
