/**
 * The console's one script (bundled by src/console/script.ts, served from 'self'): the passkey ceremonies, used
 * by the staff console and the vendor portal. A button `[data-passkey]` names the ceremony (`sign-in` or
 * `enrol`), the endpoints (`data-options`, `data-verify`), the session's CSRF token (`data-csrf`) and where it may
 * go afterwards (`data-home`, default `/staff/`). With `data-form` the ceremony posts a form (`_csrf`, and the
 * authenticator's answer as JSON in `response`), as the portal's write guard reads it; otherwise JSON with the
 * `X-CSRF-Token` header. Without this script the button stays hidden and the other way to sign in works alone.
 */
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

async function post(url: string, csrf: string, body: unknown, form: boolean): Promise<Record<string, unknown>> {
  const json = JSON.stringify(body ?? {});
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json', 'X-CSRF-Token': csrf, Accept: 'application/json' },
    body: form ? new URLSearchParams({ _csrf: csrf, response: json }).toString() : json,
  });
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(typeof answer.message === 'string' ? answer.message : `HTTP ${res.status}`);
  return answer;
}

function wire(button: HTMLButtonElement): void {
  const box = button.closest<HTMLElement>('.passkey');
  const status = box?.querySelector<HTMLElement>('[role="status"]') ?? null;
  if (!browserSupportsWebAuthn()) return;
  if (box) box.hidden = false;
  button.addEventListener('click', async () => {
    const { passkey, options, verify, csrf, home = '/staff/' } = button.dataset;
    if (!options || !verify || !csrf) return;
    const form = button.dataset.form !== undefined;
    button.disabled = true;
    if (status) status.textContent = '';
    try {
      const optionsJSON = (await post(options, csrf, {}, form)) as never;
      const response = passkey === 'enrol' ? await startRegistration({ optionsJSON }) : await startAuthentication({ optionsJSON });
      const done = await post(verify, csrf, response, form);
      if (typeof done.redirect === 'string' && done.redirect.startsWith(home)) location.assign(done.redirect);
    } catch (e) {
      if (status) status.textContent = e instanceof Error ? e.message : String(e);
      button.disabled = false;
    }
  });
}

for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-passkey]')) wire(b);
