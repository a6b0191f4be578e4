/**
 * Tupay's session: `POST v1/auth/login { accessKey, secretKey }` answers `Set-Cookie: BEARER_TOKEN=<t>`,
 * presented back as `Cookie: BEARER_TOKEN=<t>`; `DELETE v1/auth/session/destroy` ends it. The
 * CredentialManager decides when to log in (cached, renewed before expiry, single-flight, once more on
 * a 401); this file only logs in, logs out, and says how the session is presented.
 */
import { forRequest, type Logger } from '../../logging.js';
import type { Secret } from '../../secret.js';
import type { CredentialStore, StoredCredential } from '../../state/credential-store.js';
import { CredentialManager } from '../credentials.js';
import { traceIdOf, type TraceContext } from '../../observability/tracing.js';
import { ProviderError } from '../errors.js';
import type { UpstreamTransport } from '../http.js';
import { TUPAY_PATHS, TUPAY_SESSION_LIFETIME_SECONDS, TUPAY_UNAUTHORIZED_STATUS, tupayCookieHeader } from './assumptions.js';
import type { TupayLoginRequestDto } from './dto.js';
import { toSessionToken, tupayFailure } from './mappers.js';

export const TUPAY_LOGIN_ENDPOINT = `POST ${TUPAY_PATHS.login}`;
export const TUPAY_DESTROY_ENDPOINT = `DELETE ${TUPAY_PATHS.destroySession}`;

/** The API user Tupay enabled for the merchant: its email and password. */
export interface TupayApiUser {
  accessKey: string;
  secretKey: Secret;
}

/** The session as the cookie (the form the seed's destroy endpoint requires, so every call uses it). */
export const presentTupaySession = (token: string): Record<string, string> => ({ cookie: tupayCookieHeader(token) });

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * Logs in. Sent once, never retried: a failed login is not cached, so the next call tries again, and
 * hammering a login that refuses us (wrong password, IP not whitelisted) could lock the API user. No
 * caller's signal or request id goes upstream: the login is shared by every call waiting for the
 * session (its log line names the request that needed it).
 *
 * Tupay's session slides (15 minutes after the *last* request), but we treat it as fixed from login:
 * tracking every use across replicas buys little, and renewing a little early costs one login.
 */
async function logIn(transport: UpstreamTransport, user: TupayApiUser, logger: Logger, trace: TraceContext | undefined): Promise<StoredCredential> {
  const body: TupayLoginRequestDto = { accessKey: user.accessKey, secretKey: user.secretKey.reveal() };
  const response = await transport.request({ method: 'POST', path: TUPAY_PATHS.login, endpoint: TUPAY_LOGIN_ENDPOINT, json: body, retry: 'never', trace });
  const source = { endpoint: TUPAY_LOGIN_ENDPOINT };
  if (response.status === TUPAY_UNAUTHORIZED_STATUS) {
    throw new ProviderError("Tupay refused the API user's credentials (login)", {
      provider: 'TUPAY',
      reason: 'UNAUTHENTICATED',
      endpoint: TUPAY_LOGIN_ENDPOINT,
      httpStatus: response.status,
    });
  }
  if (!isSuccess(response.status)) throw tupayFailure(response, source);
  const token = toSessionToken(response, source);
  const expiresAtMs = Date.now() + TUPAY_SESSION_LIFETIME_SECONDS * 1000;
  logger.info({ expiresAt: new Date(expiresAtMs).toISOString() }, 'tupay session opened');
  return { value: token, expiresAtMs };
}

export interface TupayCredentialOptions {
  transport: UpstreamTransport;
  user: TupayApiUser;
  baseUrl: string;
  store: CredentialStore;
  logger: Logger;
  onRenewed?: () => void;
}

/** The session's lifecycle: cached in the store, renewed a minute before expiry, single-flight, renewed once on 401. */
export function tupayCredentials(options: TupayCredentialOptions): CredentialManager {
  const { transport, user, logger } = options;
  return new CredentialManager({
    provider: 'TUPAY',
    // A session acts for its API user: the password only opens it, so it has no place in the key.
    identity: [options.baseUrl, user.accessKey],
    store: options.store,
    obtain: (requestId, trace) => logIn(transport, user, forRequest(logger, requestId, traceIdOf(trace)), trace),
    onRenewed: options.onRenewed,
  });
}

/**
 * Ends the session at Tupay so the cookie stops working at once. A 401 means it had already ended;
 * any other failure is reported to the caller (logout logs and swallows it).
 */
export async function destroyTupaySession(transport: UpstreamTransport, token: string): Promise<void> {
  const response = await transport.request({
    method: 'DELETE',
    path: TUPAY_PATHS.destroySession,
    endpoint: TUPAY_DESTROY_ENDPOINT,
    headers: presentTupaySession(token),
    retry: 'never',
  });
  if (!isSuccess(response.status) && response.status !== TUPAY_UNAUTHORIZED_STATUS) {
    throw tupayFailure(response, { endpoint: TUPAY_DESTROY_ENDPOINT });
  }
}
