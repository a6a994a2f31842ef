/**
 * /docs without script (issue 18): the operations of the OpenAPI document as a server-rendered list, grouped by
 * tag. Swagger UI, when its script loads, replaces the list with its browsable view; until then, or without
 * script, or on a slow line, the list is the page.
 */

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  operationId?: string;
}

export interface OpenApiDocument {
  info?: { title?: string; description?: string };
  paths?: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Where the project's own documents live: in the repository, never outside it. */
export const REPOSITORY_DOCUMENTS = [
  { path: 'docs/CONTRACT.md', what: 'the public contract: the URLs outsiders depend on' },
  { path: 'docs/DOMAIN.md', what: 'what each article of the rules means for the service' },
  { path: 'docs/rules.ja.md', what: 'the operating rules of the certification scheme (Japanese)' },
] as const;

export function operationsByTag(doc: OpenApiDocument): Map<string, { method: string; path: string; summary: string }[]> {
  const groups = new Map<string, { method: string; path: string; summary: string }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method: method.toUpperCase(), path, summary: op.summary ?? op.description ?? '' });
    }
  }
  return groups;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function docsPage(doc: OpenApiDocument): string {
  const groups = operationsByTag(doc);
  const toc = [...groups.keys()].map((tag) => `<li><a href="#tag-${esc(slug(tag))}">${esc(tag)}</a> (${groups.get(tag)!.length})</li>`).join('');
  const sections = [...groups.entries()]
    .map(
      ([tag, ops]) =>
        `<section aria-labelledby="tag-${esc(slug(tag))}"><h2 id="tag-${esc(slug(tag))}">${esc(tag)}</h2><ul class="ops">${ops
          .map((o) => `<li><code class="m">${o.method}</code> <code class="p">${esc(o.path)}</code><br><span>${esc(o.summary)}</span></li>`)
          .join('')}</ul></section>`,
    )
    .join('');
  const documents = REPOSITORY_DOCUMENTS.map((d) => `<li><code>${d.path}</code>: ${esc(d.what)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>certmark API</title><link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="stylesheet" href="/docs/docs.css"></head>
<body><a class="skip" href="#swagger-ui">Skip to the operations</a>
<main id="swagger-ui" tabindex="-1"><div class="plain">
<h1>${esc(doc.info?.title ?? 'API')}</h1>
<p>${esc(doc.info?.description ?? '')}</p>
<p>The whole description is the OpenAPI 3.1 document at <a href="/openapi.json">/openapi.json</a>. With JavaScript, this page becomes a browsable view of it (Swagger UI).</p>
<p>Documents in the repository:</p><ul>${documents}</ul>
<nav aria-label="Operations by tag"><ul>${toc}</ul></nav>
${sections}
</div></main>
<script src="/docs/swagger-ui-bundle.js" defer></script><script src="/docs/init.js" defer></script></body></html>`;
}

export const DOCS_CSS = `.plain{max-width:60rem;margin:0 auto;padding:1rem;font:16px/1.5 system-ui,sans-serif;color:#1b1f24}
.plain h1{font-size:1.75rem}.plain h2{font-size:1.25rem;margin-top:2rem}.plain a{color:#0b5cad}
.ops{list-style:none;padding:0}.ops li{padding:0.5rem 0;border-bottom:1px solid #c9ced6}
.ops .m{display:inline-block;min-width:4.5rem;font-weight:700}.ops .p{overflow-wrap:anywhere}
.skip{position:absolute;left:-999px}.skip:focus{left:0.5rem;top:0.5rem;background:#fff;padding:0.25rem}`;
