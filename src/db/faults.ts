/** Which database errors mean "the database cannot be reached now" rather than "the input is wrong". */

/**
 * Errors after which a connection is no use: its socket is cut and it is never handed out again (a query that
 * timed out on the client side leaves the connection waiting for an answer that may never come).
 */
export function isConnectionFault(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  // 08: connection exception; 57P01-03: the server shut down or is starting; E…: a socket error (ECONNRESET, …)
  if (typeof code === 'string' && (code.startsWith('08') || /^57P0[123]$/.test(code) || /^E[A-Z]+$/.test(code))) return true;
  return /Query read timeout|Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|PGlite is closed|driver has already been destroyed|after calling end on the pool/i.test(
    err.message,
  );
}

/**
 * The database is unreachable, slow or overloaded: the request may succeed if tried again shortly (503 with
 * Retry-After), whatever it asked for. Also a statement cancelled by statement_timeout (57014) and too many
 * connections (53300).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (isConnectionFault(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === '57014' || code === '53300' || code === '53400';
}
