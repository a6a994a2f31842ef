import { pino, type Logger } from 'pino';

export type { Logger };

/** The one logger. Secrets never reach it: the redact list covers every header and field that may hold one. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
