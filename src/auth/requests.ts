/**
 * Who is calling and what they may do, for HTTP and WebSocket alike: the API key → client app,
 * UNAUTHENTICATED (401) without a valid key, FORBIDDEN (403) without the operation's scopes, and the
 * client's rate limit (RATE_LIMITED, 429 with Retry-After). All before anything executes.
 */
import { GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { Logger } from '../logging.js';
import type { SharedState } from '../state/index.js';
import { bearerKey, SCOPES, type ClientApp, type ClientRegistry, type Scope } from './clients.js';
import { requiredScopes } from './scopes.js';

/** Who calls when no CLIENTS_FILE is configured (development): everything is allowed. */
export const OPEN_ACCESS_CLIENT: ClientApp = { name: 'open-access', scopes: new Set(SCOPES) };

function authError(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: code === 'UNAUTHENTICATED' ? 401 : 403 } } });
}

/** The client app presenting this Authorization header, or an UNAUTHENTICATED error. */
export function authenticate(clients: ClientRegistry | undefined, authorization: string | undefined): ClientApp {
  if (!clients) return OPEN_ACCESS_CLIENT;
  const key = bearerKey(authorization);
  if (!key) throw authError('UNAUTHENTICATED', 'Send your API key as Authorization: Bearer <key>');
  const client = clients.identify(key);
  if (!client) throw authError('UNAUTHENTICATED', 'Unknown API key');
  return client;
}

/** Each parsed operation's scopes, worked out once: Apollo reuses the parsed document of a query text. */
const scopesOf = new WeakMap<OperationDefinitionNode, Scope[]>();

/** FORBIDDEN when the operation needs a scope the client lacks; undefined when it may run. */
export function missingScopes(client: ClientApp, operation: OperationDefinitionNode): GraphQLError | undefined {
  let needed = scopesOf.get(operation);
  if (!needed) {
    needed = [...requiredScopes(operation)];
    scopesOf.set(operation, needed);
  }
  const missing = needed.filter((scope) => !client.scopes.has(scope));
  if (missing.length === 0) return undefined;
  return authError('FORBIDDEN', `This API key lacks the scope ${missing.join(', ')} needed for this ${operation.operation}`);
}

/**
 * The client's token bucket (CLIENTS_FILE rateLimit): over the limit is RATE_LIMITED with HTTP 429 and
 * Retry-After. If the state store cannot be reached the request goes through: limits protect capacity,
 * and refusing every read during a Redis outage would be worse.
 */
export async function enforceRateLimit(state: SharedState, client: ClientApp, logger: Logger, requestId?: string): Promise<void> {
  if (!client.rateLimit) return;
  let decision;
  try {
    decision = await state.rateLimiter.take(client.name, client.rateLimit);
  } catch (error) {
    logger.warn({ err: error, client: client.name, requestId }, 'rate limiter unavailable; request allowed');
    return;
  }
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new GraphQLError(`Rate limit exceeded for ${client.name}; retry in ${seconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfterMs: decision.retryAfterMs, http: { status: 429, headers: new Map([['retry-after', String(seconds)]]) } },
  });
}
