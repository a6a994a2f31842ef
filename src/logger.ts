import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Standard output, written asynchronously in chunks of at least 4 KiB: a synchronous write per request line cost
 * the mark a third of its throughput. Flushed every second (so a quiet server's lines still show promptly) and
 * synchronously when the process exits.
 */
function asyncStdout(): pino.DestinationStream {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const flush = setInterval(() => dest.flush(), 1_000);
  flush.unref();
  process.once('exit', () => {
    try {
      dest.flushSync();
    } catch {
      // nothing more can be done while exiting
    }
  });
  return dest;
}

let stdout: pino.DestinationStream | null = null;

/** The one logger. Secrets never reach it: the redact list covers every header and field that may hold one. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  if (!destination && level !== 'silent') destination = stdout ??= asyncStdout();
  return pino(
    {
      level,
      base: { service: 'certmark' },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'token', 'key', 'secret', '*.token', '*.secret'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
