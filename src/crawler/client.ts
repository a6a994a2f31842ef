/** Posts one sighting to certmark (CONTRACT.md, "For crawlers"), retrying with the same Idempotency-Key. */
import { randomUUID } from 'node:crypto';

export interface Sighting {
  pageUrl: string;
  seenAt: Date;
  image: Buffer;
  linkHref: string | null;
  token: string | null;
}

export interface PostResult {
  status: number;
  findings: string[] | null;
  /** The problem's detail when certmark refused the sighting. */
  error: string | null;
}

export interface SightingClient {
  post(s: Sighting): Promise<PostResult>;
}

const RETRIABLE = new Set([409, 429, 500, 502, 503, 504]);

export function sightingClient(options: { certmarkUrl: string; key: string; fetch?: typeof fetch; attempts?: number; backoffMs?: number }): SightingClient {
  const send = options.fetch ?? fetch;
  const url = `${options.certmarkUrl.replace(/\/+$/, '')}/api/v1/sightings`;
  const attempts = options.attempts ?? 3;
  return {
    async post(s) {
      const idempotencyKey = randomUUID(); // one per sighting: a retry is the same request
      let last: PostResult = { status: 0, findings: null, error: 'not sent' };
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, (options.backoffMs ?? 500) * 2 ** (attempt - 1)));
        const form = new FormData();
        form.set('pageUrl', s.pageUrl);
        form.set('seenAt', s.seenAt.toISOString());
        form.set('image', new Blob([new Uint8Array(s.image)], { type: 'image/png' }), 'sighting.png');
        if (s.linkHref) form.set('linkHref', s.linkHref);
        if (s.token) form.set('token', s.token);
        try {
          const res = await send(url, { method: 'POST', headers: { Authorization: `Bearer ${options.key}`, 'Idempotency-Key': idempotencyKey }, body: form });
          const body = (await res.json().catch(() => null)) as { findings?: string[]; detail?: string } | null;
          last = { status: res.status, findings: res.ok ? (body?.findings ?? []) : null, error: res.ok ? null : (body?.detail ?? res.statusText) };
          if (!RETRIABLE.has(res.status)) return last;
        } catch (err) {
          last = { status: 0, findings: null, error: err instanceof Error ? err.message : String(err) };
        }
      }
      return last;
    },
  };
}
