/**
 * One error taxonomy for everything that goes wrong upstream. `code` is what GraphQL clients see
 * (docs/contract/README.md, "Errors"); `reason` is the finer cause the gateway acts on (a
 * mutation turns NOT_FOUND into a userError, the transport retries SERVER_ERROR…). Messages are safe to
 * show: provider messages pass through `safeProviderMessage`, and nothing secret is ever put in.
 */
import { sanitizeText } from '../sanitize.js';
import type { ProviderId } from './provider.js';

export type ErrorCode = 'PROVIDER_ERROR' | 'PROVIDER_UNAVAILABLE' | 'PROVIDER_NOT_CONFIGURED';

export type ProviderErrorReason =
  /** The provider refused the request (validation, business rule). */
  | 'REJECTED'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  /** A replay key reused with other data (TelePagos reference_id). */
  | 'CONFLICT'
  | 'FORBIDDEN'
  /** Our credentials for the provider were refused, even after renewing them once. */
  | 'UNAUTHENTICATED'
  /** Rate limited and no retry left (or the provider asked us to wait longer than we may). */
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'CIRCUIT_OPEN'
  /** The caller went away (the GraphQL request was cancelled). */
  | 'CANCELLED'
  /** The provider answered something we cannot read. */
  | 'BAD_RESPONSE'
  /**
   * Nothing was sent: the call needs a provider credential that only shared state (Redis) can renew,
   * and it is unavailable (docs/replicas.md, "During a Redis outage").
   */
  | 'STATE_UNAVAILABLE'
  | 'NOT_CONFIGURED';

const UNAVAILABLE_REASONS: ReadonlySet<ProviderErrorReason> = new Set([
  'RATE_LIMITED',
  'SERVER_ERROR',
  'TIMEOUT',
  'NETWORK',
  'CIRCUIT_OPEN',
  'CANCELLED',
  'BAD_RESPONSE',
  'STATE_UNAVAILABLE',
]);

export function codeForReason(reason: ProviderErrorReason): ErrorCode {
  if (reason === 'NOT_CONFIGURED') return 'PROVIDER_NOT_CONFIGURED';
  return UNAVAILABLE_REASONS.has(reason) ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_ERROR';
}

export interface ProviderErrorDetails {
  provider: ProviderId;
  reason: ProviderErrorReason;
  /** Stable endpoint label, e.g. `GET v2/payment/cashout/{id}` (never a concrete id). */
  endpoint?: string;
  httpStatus?: number;
  requestId?: string;
  /** The provider's own message, already made safe. */
  providerMessage?: string;
  /** How long the provider asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** Whether sending the same call again could succeed (the transport's retry decision). */
  retryable?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly code: ErrorCode;
  readonly provider: ProviderId;
  readonly reason: ProviderErrorReason;
  readonly endpoint?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  readonly providerMessage?: string;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;
  /**
   * Set by the transport when an earlier attempt of this call failed in a way that may have reached the
   * provider (a timeout, a 5xx, a dropped connection) and it sent the call again: then this failure is
   * the answer to a replay, never proof that nothing happened (a 409 on a replay may mean "done").
   */
  afterLostAnswer = false;

  constructor(message: string, details: ProviderErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProviderError';
    this.code = codeForReason(details.reason);
    this.provider = details.provider;
    this.reason = details.reason;
    this.endpoint = details.endpoint;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.providerMessage = details.providerMessage;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable ?? false;
  }

  /** What may be logged or returned: no cause chain (it can hold request options), nothing secret. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      provider: this.provider,
      reason: this.reason,
      endpoint: this.endpoint,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
      providerMessage: this.providerMessage,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

/**
 * Failures that prove the call never reached the provider: the breaker refused it here, the provider is
 * not configured, or no credential could be had without shared state. Everything else (timeouts, 5xx,
 * dropped connections, unreadable answers) may have reached it.
 */
const NOT_SENT_REASONS: ReadonlySet<ProviderErrorReason> = new Set(['CIRCUIT_OPEN', 'NOT_CONFIGURED', 'STATE_UNAVAILABLE']);

/**
 * **assumption** (docs/providers.md, "Outcomes"): refusals that prove a creating call did nothing, when
 * they answer a call none of whose attempts had its answer lost. Each is an answer the provider gave to
 * this very request (so it judged it), of a kind an API that acted would not give:
 * - INVALID_INPUT, REJECTED: the provider refused the data or a business rule (insufficient funds) — an
 *   API that made the object answers its id;
 * - NOT_FOUND: it does not know something the request names;
 * - FORBIDDEN, UNAUTHENTICATED: it refused who we are;
 * - CONFLICT: the reference is already used with other data — by an attempt that is not ours (ours with
 *   the same data would be a replay, answered "the result" by TelePagos' documents);
 * - RATE_LIMITED: a 429 is answered before the request is processed (HTTP semantics).
 * After a lost answer none of these is final: the refusal answers a replay of a request that may have acted.
 */
export const FINAL_REFUSAL_REASONS: ReadonlySet<ProviderErrorReason> = new Set([
  'INVALID_INPUT',
  'REJECTED',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'RATE_LIMITED',
]);

/**
 * What a failed creating call tells about the provider's side: `not_sent` (nothing reached it), `refused`
 * (it answered this request with a final refusal: nothing was created), or `unknown` (it may have acted).
 * Anything that is not a ProviderError is `unknown`: conservative.
 */
export function failureOutcome(error: unknown): 'not_sent' | 'refused' | 'unknown' {
  if (!(error instanceof ProviderError) || error.afterLostAnswer) return 'unknown';
  if (NOT_SENT_REASONS.has(error.reason)) return 'not_sent';
  return FINAL_REFUSAL_REASONS.has(error.reason) ? 'refused' : 'unknown';
}

export function notConfigured(provider: ProviderId): ProviderError {
  return new ProviderError(`${provider} is not configured on this gateway`, { provider, reason: 'NOT_CONFIGURED' });
}

const MAX_PROVIDER_MESSAGE = 200;

/**
 * A provider message fit to show a client: one line, bounded, with secrets and account numbers masked
 * by their shape (`sanitizeText`).
 */
export function safeProviderMessage(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined;
  const cleaned = sanitizeText(message.replace(/\s+/g, ' ')).trim();
  if (!cleaned) return undefined;
  return cleaned.length > MAX_PROVIDER_MESSAGE ? `${cleaned.slice(0, MAX_PROVIDER_MESSAGE - 1)}…` : cleaned;
}

/** The reason a provider's HTTP status (or, for 200 + status error, REJECTED) stands for. */
export function reasonForStatus(status: number): ProviderErrorReason {
  switch (status) {
    case 400:
    case 422:
      return 'INVALID_INPUT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'SERVER_ERROR' : 'REJECTED';
  }
}

/**
 * A provider's refusal, with its safe message, for a client to throw. A refusal sent with a 2xx status
 * is REJECTED unless `statedStatus` says more: the status the refusal's body states or implies (Talo's
 * `code`, a TelePagos "not found" message), read only then.
 */
export function providerRejection(
  provider: ProviderId,
  endpoint: string,
  httpStatus: number,
  message: unknown,
  requestId?: string,
  statedStatus?: number,
): ProviderError {
  const providerMessage = safeProviderMessage(message);
  const httpOk = httpStatus >= 200 && httpStatus < 300;
  const stated = statedStatus !== undefined && statedStatus >= 400 && statedStatus < 600 ? statedStatus : undefined;
  const reason = !httpOk ? reasonForStatus(httpStatus) : stated === undefined ? 'REJECTED' : reasonForStatus(stated);
  return new ProviderError(`${provider} refused ${endpoint}${providerMessage ? `: ${providerMessage}` : ''}`, {
    provider,
    reason,
    endpoint,
    httpStatus,
    requestId,
    providerMessage,
  });
}

/** The provider answered something its documentation does not describe. */
export function badResponse(provider: ProviderId, endpoint: string, detail: string, requestId?: string): ProviderError {
  return new ProviderError(`${provider} sent an unexpected answer to ${endpoint}: ${detail}`, {
    provider,
    reason: 'BAD_RESPONSE',
    endpoint,
    requestId,
  });
}
