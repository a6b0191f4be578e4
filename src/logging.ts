/**
 * Structured logs (pino). Secrets are redacted by path wherever they could appear — credentials in
 * bodies, authorization and cookie headers, set-cookie answers — and account numbers are masked with
 * `maskAccountNumber` by whoever logs them. Log the ProviderError itself (its toJSON is safe), never
 * a raw undici error or request options.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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
  if (error && typeof error === 'object' && 'toJSON' in error && typeof error.toJSON === 'function') return error.toJSON();
  return error instanceof Error ? pino.stdSerializers.err(error) : error;
}

/**
 * `logger` with the request's id on every line, for the rare paths that log while a request is handled
 * (a provider failing, a retry, a credential renewal). A pino child is made only there: the request
 * scope travels explicitly (GatewayContext, CallContext), not in AsyncLocalStorage, whose promise hooks
 * cost every request on Node 20 about a fifth of its CPU.
 */
export function forRequest(logger: Logger, requestId: string | undefined): Logger {
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

/** A logger that drops everything (library defaults, tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
