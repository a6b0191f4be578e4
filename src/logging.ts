/**
 * Structured logs (pino). Secrets are redacted by path wherever they could appear — credentials in
 * bodies, authorization and cookie headers, set-cookie answers — errors' text by shape (`sanitizeText`,
 * in the err/error serializer), and account numbers are masked with `maskAccountNumber` by whoever
 * logs them. Log the ProviderError itself (its toJSON is safe), never
 * a raw undici error or request options.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import sonicBoom from 'sonic-boom';
import { sanitizeText } from './sanitize.js';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'password',
  'secret',
  'token',
  'accessKey',
  'secretKey',
  'clientSecret',
  'client_secret',
  'apiKey',
  'authorization',
  'cookie',
  'set-cookie',
  'x-signature',
  'webhookSecret',
];

/** Every secret key at the top level and up to two levels down (`headers.authorization`, `body.password`). */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith('[') ? k : `.${k}`;
  return [k, `*${dot}`, `*.*${dot}`];
});

export interface LoggerSettings {
  level?: string;
  /** Where lines go (tests capture them); default stdout. */
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

/**
 * Errors log through their own toJSON when they have one (ProviderError's is the safe view); others
 * through pino's standard serializer. Without this, redaction copies an Error and loses its message.
 */
function serializeError(error: unknown): unknown {
  if (error && typeof error === 'object' && 'toJSON' in error && typeof error.toJSON === 'function') return sanitizeFields(error.toJSON());
  return error instanceof Error ? sanitizeFields(pino.stdSerializers.err(error)) : sanitizeFields(error);
}

/**
 * An error's text fields can carry a provider's words (a message, a stack, a JSON parse error quoting a
 * body): every string field but the request id (ours) passes through `sanitizeText`. Only errors go
 * through here, so the hot path's log lines cost nothing more.
 */
function sanitizeFields(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return typeof value === 'string' ? sanitizeText(value) : value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = typeof field === 'string' && key !== 'requestId' ? sanitizeText(field) : field;
  return out;
}

/**
 * `logger` with the request's id on every line, for the rare paths that log while a request is handled
 * (a provider failing, a retry, a credential renewal), and the trace id when the request has a trace
 * (src/observability/tracing.ts). A pino child is made only there: the request
 * scope travels explicitly (GatewayContext, CallContext), not in AsyncLocalStorage, whose promise hooks
 * cost every request on Node 20 about a fifth of its CPU.
 */
export function forRequest(logger: Logger, requestId: string | undefined, traceId?: string): Logger {
  if (traceId) return logger.child(requestId ? { requestId, traceId } : { traceId });
  return requestId ? logger.child({ requestId }) : logger;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: 'pasarela', ...settings.base },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** Log bytes held in memory while stdout does not take them; lines beyond are dropped. */
const MAX_BUFFERED_LOG_BYTES = 4 * 1024 * 1024;

/** stdout for log lines that never blocks the process, and a flush that ends. */
export interface StdoutLog extends DestinationStream {
  /** Waits until the buffered lines are written or `ms` have passed, whichever comes first. */
  flushWithin(ms: number): Promise<void>;
}

/**
 * Log lines to stdout asynchronously: a reader that stops reading (a full pipe) or has gone (EPIPE)
 * can neither block nor crash the gateway. Lines wait in a bounded buffer (beyond it they are
 * dropped), and nothing is written synchronously on exit: pino's own stdout stream flushes
 * synchronously when the process exits, which retries a full pipe forever. `process.stdout` is
 * opened first because that makes a pipe non-blocking, so no write can hang a thread either.
 */
export function stdoutLog(): StdoutLog {
  // sonic-boom is CommonJS: its class is the module itself, typed (for NodeNext) as `.SonicBoom`.
  const boom = new sonicBoom.SonicBoom({ fd: process.stdout.fd, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
  let gone = false;
  const readerGone = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    gone = true;
  };
  boom.on('error', (error: NodeJS.ErrnoException) => {
    // Any write error ends logging to stdout; only a vanished reader is expected.
    gone = true;
    if (error.code !== 'EPIPE') process.emitWarning(`log output failed: ${error.code ?? error.message}`);
  });
  process.stdout.on('error', readerGone);
  return {
    write(line: string) {
      if (!gone) boom.write(line);
    },
    flushWithin(ms) {
      return new Promise((resolve) => {
        if (gone) return resolve();
        const timer = setTimeout(resolve, ms);
        try {
          boom.flush(() => {
            clearTimeout(timer);
            resolve();
          });
        } catch {
          clearTimeout(timer);
          resolve();
        }
      });
    },
  };
}

/** A logger that drops everything (library defaults, tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
