/** Asks certmark about one token: GET {base}/api/v1/badge/{token}. One request per token per page. */
export type Status = 'certified' | 'renewal_pending' | 'expired' | 'revoked' | 'terminated' | 'lapsed' | 'unknown';

export interface Names {
  ja: string;
  en: string | null;
}

export interface BadgeFacts {
  status: Status;
  showMark: boolean;
  siteAllowed: boolean;
  number: string;
  serviceName: Names;
  vendorName: Names;
  validThrough: string | null;
  verifyUrl: string;
  markUrl: string | null;
  reportUrl: string;
  checkedAt: string;
}

/** `facts` from a 200; `unknown` for a token certmark does not know (404); `offline` when no answer came. */
export type Answer = { kind: 'facts'; facts: BadgeFacts } | { kind: 'unknown' } | { kind: 'offline' };

const asked = new Map<string, Promise<Answer>>();

export function ask(base: string, token: string): Promise<Answer> {
  const url = `${base}/api/v1/badge/${encodeURIComponent(token)}`;
  let answer = asked.get(url);
  if (!answer) {
    // The browser sends the page's Origin on this CORS request; no cookies go with it, none come back.
    answer = fetch(url, { mode: 'cors', credentials: 'omit', referrerPolicy: 'strict-origin', cache: 'no-cache' })
      .then(
        async (res): Promise<Answer> =>
          res.ok ? { kind: 'facts', facts: (await res.json()) as BadgeFacts } : res.status === 404 ? { kind: 'unknown' } : { kind: 'offline' },
      )
      .catch((): Answer => ({ kind: 'offline' }));
    asked.set(url, answer);
    // A failed request is not kept: the next badge or token change asks again.
    answer.then((a) => a.kind === 'offline' && asked.delete(url));
  }
  return answer;
}

/**
 * The certification number the token names (its `sub` claim), read without verifying the signature: it only
 * picks which verification page a plain link goes to when certmark cannot be reached, and that page tells the truth.
 */
export function numberIn(token: string): string | null {
  try {
    const sub = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sub;
    return typeof sub === 'string' && /^[\w-]{1,40}$/.test(sub) ? sub : null;
  } catch {
    return null;
  }
}
