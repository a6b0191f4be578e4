/**
 * TelePagos' access token: `POST v2/auth/token { username, password }` answers an opaque token and its
 * `expires_at`. The CredentialManager decides when to ask (cached, renewed before expiry, one request in
 * flight, renewed once on 401); this file only asks, reads the expiry, and says how the token is presented.
 */
import { forRequest, type Logger } from '../../logging.js';
import type { Secret } from '../../secret.js';
import type { CredentialStore, StoredCredential } from '../../state/credential-store.js';
import { CredentialManager } from '../credentials.js';
import { traceIdOf, type TraceContext } from '../../observability/tracing.js';
import { ProviderError } from '../errors.js';
import type { UpstreamResponse, UpstreamTransport } from '../http.js';
import type { WireObserver } from '../wire.js';
import { TELEPAGOS_PATHS, TOKEN_LIFETIME_SECONDS, telepagosAuthorizationHeader } from './assumptions.js';
import type { TokenRequestDto } from './dto.js';
import { toToken, unwrapEnvelope, type TokenAnswer } from './mappers.js';

export const TELEPAGOS_TOKEN_ENDPOINT = `POST ${TELEPAGOS_PATHS.token}`;

export interface TelepagosAccount {
  username: string;
  password: Secret;
}

export const presentTelepagosToken = (token: string): Record<string, string> => ({ authorization: telepagosAuthorizationHeader(token) });

/**
 * When the token stops working: `expires_at` read per the assumptions (seconds, milliseconds, or an
 * Argentina date-time), or the assumed lifetime when it is absent, unreadable or already past by our
 * clock. The latter is clock skew, not a dead token (TelePagos just issued it): trusting it would renew
 * on every call, while a token really expired is caught by the 401 and renewed once.
 */
export function telepagosTokenExpiry(expiresAtMs: number | null, nowMs = Date.now()): { expiresAtMs: number; from: 'expires_at' | 'default' } {
  if (expiresAtMs !== null && expiresAtMs > nowMs) return { expiresAtMs, from: 'expires_at' };
  return { expiresAtMs: nowMs + TOKEN_LIFETIME_SECONDS * 1000, from: 'default' };
}

/**
 * Any refusal of the token request — 401 "Wrong credentials", or the same message with HTTP 200 — means
 * our credentials do not work: UNAUTHENTICATED, with the provider's safe message.
 */
function credentialsRefused(error: ProviderError): ProviderError {
  if (error.reason === 'BAD_RESPONSE' || error.reason === 'UNAUTHENTICATED') return error;
  return new ProviderError(`TELEPAGOS refused Pasarela's credentials${error.providerMessage ? `: ${error.providerMessage}` : ''}`, {
    provider: 'TELEPAGOS',
    reason: 'UNAUTHENTICATED',
    endpoint: TELEPAGOS_TOKEN_ENDPOINT,
    httpStatus: error.httpStatus,
    providerMessage: error.providerMessage,
  });
}

/** The token and its expiry, judged by them (a token), not by the status word; surprises told to `observe`. */
function readToken(response: UpstreamResponse, observe: WireObserver | undefined): TokenAnswer {
  const source = { endpoint: TELEPAGOS_TOKEN_ENDPOINT, observe };
  try {
    return toToken(unwrapEnvelope(response, source), source);
  } catch (error) {
    throw error instanceof ProviderError ? credentialsRefused(error) : error;
  }
}

/**
 * Asks TelePagos for a token. Sent once, never retried: a renewal that fails is not cached, so the next
 * call asks again, and hammering a token endpoint that refuses us helps nobody. No caller's signal or
 * request id goes upstream: the request is shared by every call waiting for the token (its log line
 * names the request that needed it).
 */
async function requestToken(
  transport: UpstreamTransport,
  account: TelepagosAccount,
  logger: Logger,
  trace: TraceContext | undefined,
  observe: WireObserver | undefined,
): Promise<StoredCredential> {
  const body: TokenRequestDto = { username: account.username, password: account.password.reveal() };
  const response = await transport.request({
    method: 'POST',
    path: TELEPAGOS_PATHS.token,
    endpoint: TELEPAGOS_TOKEN_ENDPOINT,
    json: body,
    retry: 'never',
    trace,
  });
  const answer = readToken(response, observe);
  const { expiresAtMs, from } = telepagosTokenExpiry(answer.expiresAtMs);
  logger.info({ expiresAt: new Date(expiresAtMs).toISOString(), expiryFrom: from }, 'telepagos access token obtained');
  return { value: answer.token, expiresAtMs };
}

export interface TelepagosCredentialOptions {
  transport: UpstreamTransport;
  account: TelepagosAccount;
  baseUrl: string;
  store: CredentialStore;
  logger: Logger;
  onRenewed?: () => void;
  /** Told about every surprise in the token answer (the client's observer: counted, logged once). */
  observe?: WireObserver;
}

/** The token's lifecycle: cached in the store, renewed before expiry, single-flight, renewed once on 401. */
export function telepagosCredentials(options: TelepagosCredentialOptions): CredentialManager {
  const { transport, account, logger } = options;
  return new CredentialManager({
    provider: 'TELEPAGOS',
    // A token acts for its user: the password only obtains it, so it needs no place in the key.
    identity: [options.baseUrl, account.username],
    store: options.store,
    obtain: (requestId, trace) => requestToken(transport, account, forRequest(logger, requestId, traceIdOf(trace)), trace, options.observe),
    onRenewed: options.onRenewed,
  });
}
