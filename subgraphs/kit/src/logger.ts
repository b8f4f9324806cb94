/** Structured logs: one JSON line per event, carrying the service name and, per request, its ids. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        '*.password',
        '*.passwordHash',
        'variables.password',
        'variables.input.password',
      ],
      censor: '[redacted]',
    },
  });
}
