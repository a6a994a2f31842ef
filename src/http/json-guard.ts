import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors';
import type { AppEnv } from './env';

/** Deeper than any body certmark accepts (an application's items are four levels deep). */
export const MAX_JSON_DEPTH = 32;
/** The largest JSON body any route accepts (the staff API's bound); routes may bound theirs lower. */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of arrays and objects in JSON text, read without parsing it (strings skipped). */
export function jsonDepth(bytes: Uint8Array, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

const isJson = (contentType: string | undefined) => contentType !== undefined && /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());

/**
 * Every JSON body, before any route reads it: at most MAX_JSON_BYTES (413) and MAX_JSON_DEPTH levels deep (400).
 * A body nested thousands of levels deep would otherwise overflow the stack of whatever walks it (a 500).
 */
export function jsonBodyGuard(options: { maxBytes?: number; maxDepth?: number } = {}) {
  const maxBytes = options.maxBytes ?? MAX_JSON_BYTES;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const tooLarge = () => new AppError('too_large', `a JSON body may be at most ${maxBytes} bytes`);
  return createMiddleware<AppEnv>(async (c, next) => {
    // GET and HEAD carry no body; asking for c.req.raw would make the Node adapter build a Request (costly on the mark)
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || !isJson(c.req.header('content-type'))) return next();
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = raw.headers.get('content-length');
    if (declared !== null && !raw.headers.has('transfer-encoding') && Number(declared) > maxBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = raw.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.length;
    }
    if (jsonDepth(body, maxDepth) > maxDepth) throw new AppError('invalid', `the JSON body is nested deeper than ${maxDepth} levels`);
    // routes read the body as before (their own limits included)
    c.req.raw = new Request(raw, { body });
    return next();
  });
}
