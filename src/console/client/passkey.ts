/**
 * The console's one script (bundled by src/console/script.ts, served from 'self'): the passkey ceremonies. A
 * button `[data-passkey]` names the ceremony (`sign-in` or `enrol`), the endpoints (`data-options`,
 * `data-verify`) and the session's CSRF token (`data-csrf`). Without this script the button stays hidden and the
 * password form works alone.
 */
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

async function post(url: string, csrf: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body ?? {}),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(typeof json.message === 'string' ? json.message : `HTTP ${res.status}`);
  return json;
}

function wire(button: HTMLButtonElement): void {
  const box = button.closest<HTMLElement>('.passkey');
  const status = box?.querySelector<HTMLElement>('[role="status"]') ?? null;
  if (!browserSupportsWebAuthn()) return;
  if (box) box.hidden = false;
  button.addEventListener('click', async () => {
    const { passkey, options, verify, csrf } = button.dataset;
    if (!options || !verify || !csrf) return;
    button.disabled = true;
    if (status) status.textContent = '';
    try {
      const optionsJSON = (await post(options, csrf, {})) as never;
      const response = passkey === 'enrol' ? await startRegistration({ optionsJSON }) : await startAuthentication({ optionsJSON });
      const done = await post(verify, csrf, response);
      if (typeof done.redirect === 'string' && done.redirect.startsWith('/staff/')) location.assign(done.redirect);
    } catch (e) {
      if (status) status.textContent = e instanceof Error ? e.message : String(e);
      button.disabled = false;
    }
  });
}

for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-passkey]')) wire(b);
