/**
 * Talo's access token: `POST users/{user_id}/tokens { client_id, client_secret }` answers a JWT valid
 * about an hour, with no refresh endpoint (ask again). The CredentialManager decides when to ask; this
 * file only asks, reads the expiry, and says how the token is presented.
 */
import { forRequest, type Logger } from '../../logging.js';
import type { Secret } from '../../secret.js';
import type { CredentialStore, StoredCredential } from '../../state/credential-store.js';
import { CredentialManager } from '../credentials.js';
import { traceIdOf, type TraceContext } from '../../observability/tracing.js';
import type { UpstreamTransport } from '../http.js';
import { TALO_TOKEN_LIFETIME_SECONDS, TALO_TOKEN_RENEW_MARGIN_SECONDS, readTaloTokenExpiry, taloAuthorizationHeader, taloTokenPath } from './assumptions.js';
import type { TaloTokenRequestDto } from './dto.js';
import { toToken, unwrapEnvelope } from './mappers.js';

export const TALO_TOKEN_ENDPOINT = 'POST users/{user_id}/tokens';

export interface TaloAccount {
  userId: string;
  clientId: string;
  clientSecret: Secret;
}

/** The token exactly as Talo returned it (JWT, maybe `TL-`-prefixed), as a bearer header. */
export const presentTaloToken = (token: string): Record<string, string> => ({ authorization: taloAuthorizationHeader(token) });

/**
 * When the token stops working: its JWT `exp`, or the documented lifetime when `exp` is unreadable or
 * already past by our clock. The latter is clock skew, not a dead token (Talo just issued it): trusting
 * it would renew on every call, while a token really expired is caught by Talo's 401 and renewed once.
 */
export function taloTokenExpiry(token: string, nowMs = Date.now()): { expiresAtMs: number; from: 'exp' | 'default' } {
  const exp = readTaloTokenExpiry(token);
  if (exp !== undefined && exp * 1000 > nowMs) return { expiresAtMs: exp * 1000, from: 'exp' };
  return { expiresAtMs: nowMs + TALO_TOKEN_LIFETIME_SECONDS * 1000, from: 'default' };
}

/**
 * Asks Talo for a token. Sent once, never retried: a renewal that fails is not cached, so the next call
 * asks again, and hammering a token endpoint that refuses us helps nobody. No caller's signal or request
 * id: the request is shared by every call waiting for the token.
 */
async function requestToken(transport: UpstreamTransport, account: TaloAccount, logger: Logger, trace: TraceContext | undefined): Promise<StoredCredential> {
  const body: TaloTokenRequestDto = { client_id: account.clientId, client_secret: account.clientSecret.reveal() };
  const response = await transport.request({
    method: 'POST',
    path: taloTokenPath(account.userId).slice(1), // the transport wants paths relative to the base URL
    endpoint: TALO_TOKEN_ENDPOINT,
    json: body,
    retry: 'never',
    trace,
  });
  const source = { endpoint: TALO_TOKEN_ENDPOINT };
  const token = toToken(unwrapEnvelope(response, source), source);
  const { expiresAtMs, from } = taloTokenExpiry(token);
  logger.info({ expiresAt: new Date(expiresAtMs).toISOString(), expiryFrom: from }, 'talo access token obtained');
  return { value: token, expiresAtMs };
}

export interface TaloCredentialOptions {
  transport: UpstreamTransport;
  account: TaloAccount;
  baseUrl: string;
  store: CredentialStore;
  logger: Logger;
  onRenewed?: () => void;
}

/** The token's lifecycle: cached in the store, renewed before expiry, single-flight, renewed once on 401. */
export function taloCredentials(options: TaloCredentialOptions): CredentialManager {
  const { transport, account, logger } = options;
  return new CredentialManager({
    provider: 'TALO',
    // A token acts for its user: the secret only obtains it, so it needs no place in the key.
    identity: [options.baseUrl, account.userId, account.clientId],
    store: options.store,
    obtain: (requestId, trace) => requestToken(transport, account, forRequest(logger, requestId, traceIdOf(trace)), trace),
    renewMarginMs: TALO_TOKEN_RENEW_MARGIN_SECONDS * 1000,
    onRenewed: options.onRenewed,
  });
}
