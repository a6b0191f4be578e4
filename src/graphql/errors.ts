/**
 * How errors reach GraphQL clients (docs/contract/README.md, "Errors"): every error carries one of
 * the contract's `extensions.code`s; provider errors add `provider` and a safe `providerMessage`;
 * anything unexpected becomes INTERNAL_SERVER_ERROR with only the request id (the original is logged).
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ProviderCallLimitError } from '../domain/call-allowance.js';
import { ProviderError } from '../providers/errors.js';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'PROVIDER_ERROR',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_NOT_CONFIGURED',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'INTERNAL_SERVER_ERROR',
  // The HTTP request itself is malformed: a body that is not JSON, over the size limit (413) or of
  // another content type (415), no query, a batch, a subscription sent as a plain
  // JSON request, an unusable documentId (./http-errors.ts; Apollo's own code for these).
  'BAD_REQUEST',
  // The document does not parse / does not validate against the schema (Apollo's codes, on every door).
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  // The document holds several operations and none is named, or the named one is not there (Apollo's code).
  'OPERATION_RESOLUTION_FAILURE',
  // No such HTTP route (404).
  'NOT_FOUND',
  // The gateway is shutting down: connect again, to another replica (an SSE stream refused at shutdown).
  'SERVICE_UNAVAILABLE',
  // A document id (documentId or APQ hash) the client app does not have: the code Apollo Client's
  // persisted-queries link answers by sending the text (src/graphql/pipeline.ts, `resolve`).
  'PERSISTED_QUERY_NOT_FOUND',
  // A trusted-only client app sent a document outside its manifests, or tried to register one.
  'TRUSTED_DOCUMENT_REQUIRED',
  // `after` names an event-log position no longer kept (retention, length cap, a reset log): nothing was
  // sent; re-read the current state, then subscribe or page without it (src/events/log.ts).
  'CURSOR_EXPIRED',
  // A subscription fell so far behind (its client reads slower than events come) that the log no longer
  // holds what followed the last event it received: the stream's last answer, then it completes.
  'SUBSCRIBER_TOO_SLOW',
] as const;
export type GraphQLErrorCode = (typeof ERROR_CODES)[number];

/** Apollo's request-level codes that are not the contract's, folded into it. */
const APOLLO_CODES: Record<string, GraphQLErrorCode> = {
  PERSISTED_QUERY_NOT_SUPPORTED: 'BAD_REQUEST',
};

/**
 * A provider's failure reported next to the other providers' data, at `path` (a field of several
 * providers: accounts, activity): formatted like any other error, its message the error's own when it
 * is one we wrote (a provider error, the call ceiling), otherwise only the provider's name.
 */
export function partialProviderError(provider: string, reason: unknown, path: readonly (string | number)[]): GraphQLError {
  const original = reason instanceof Error ? reason : new Error(String(reason));
  const message = original instanceof ProviderError || original instanceof ProviderCallLimitError ? original.message : `${provider} failed`;
  return new GraphQLError(message, { path, originalError: original, extensions: { provider } });
}

export function cursorExpiredError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'CURSOR_EXPIRED', field: 'after' } });
}

export function subscriberTooSlowError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } });
}

export function userInputError(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}

function providerExtensions(error: ProviderError): Record<string, unknown> {
  return {
    code: error.code,
    provider: error.provider,
    reason: error.reason,
    ...(error.providerMessage ? { providerMessage: error.providerMessage } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  };
}

export interface FormatOptions {
  /** Production hides messages of unexpected errors and every stack trace. */
  production: boolean;
}

/**
 * The contract's shape of an error we know (a provider error, a limit, a coded GraphQL error, Apollo's
 * request-level errors), or undefined for an unexpected one.
 */
function known(formatted: GraphQLFormattedError, error: unknown, production: boolean): GraphQLFormattedError | undefined {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof ProviderError) {
    return { ...base, message: original.message, extensions: providerExtensions(original) };
  }
  if (original instanceof ProviderCallLimitError) {
    return { ...base, message: original.message, extensions: { code: 'QUERY_TOO_COMPLEX', provider: original.provider } };
  }
  // Apollo re-codes validation errors GRAPHQL_VALIDATION_FAILED; a limit's own code is on the original.
  const wrapped = error instanceof GraphQLError && error.originalError instanceof GraphQLError ? error.originalError.extensions.code : undefined;
  if (wrapped === 'QUERY_TOO_COMPLEX') return { ...base, extensions: { code: 'QUERY_TOO_COMPLEX' } };
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_PARSE_FAILED' && /tokens\. Parsing aborted/.test(formatted.message)) {
    return { ...base, message: formatted.message.replace(/^Syntax Error: /, ''), extensions: { code: 'QUERY_TOO_COMPLEX' } };
  }
  if (production) base.message = withoutSuggestions(base.message);
  // Apollo's request-level codes are the contract's (BAD_REQUEST, GRAPHQL_PARSE_FAILED, …); the others are folded below.
  if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code) && code !== 'INTERNAL_SERVER_ERROR' && !APOLLO_CODES[code]) {
    return {
      ...base,
      message: withoutRejectedValue(base.message),
      extensions: { ...withoutStack(formatted.extensions, production), ...variableField(formatted.message) },
    };
  }
  if (typeof code === 'string' && APOLLO_CODES[code]) {
    return { ...base, extensions: { ...withoutStack(formatted.extensions, production), code: APOLLO_CODES[code] } };
  }
  return undefined;
}

/**
 * Apollo's formatError: classify by the original error, keep the contract's codes, mask the rest as
 * INTERNAL_SERVER_ERROR. The masked originals are logged by the server with their request
 * (`unexpectedErrors`); the server adds the request id to every error.
 */
export function formatError(options: FormatOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError =>
    known(formatted, error, options.production) ?? {
      message: options.production ? 'Internal server error' : formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
}

/**
 * The originals of the errors `formatError` masks as INTERNAL_SERVER_ERROR, to log: what Apollo hands
 * formatError is rebuilt here the way Apollo builds it (the error's JSON, its code or
 * INTERNAL_SERVER_ERROR).
 */
export function unexpectedErrors(errors: readonly GraphQLError[], production: boolean): unknown[] {
  return errors
    .filter(
      (error) => !known({ ...error.toJSON(), extensions: { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' } }, error, production),
    )
    .map((error) => unwrapResolverError(error));
}

/**
 * graphql-js reports a variable that failed a scalar as `Variable "$input" got invalid value … at
 * "input.cbu"; …`: expose that path as `extensions.field` (["input", "cbu"]), like userErrors do.
 */
function variableField(message: string): { field?: string[] } {
  const match = /^Variable "\$[^"]+" got invalid value .* at "([^"]+)"; /s.exec(message);
  // "input.distribution[0].cbu" → ["input", "distribution", "0", "cbu"], as userErrors spell it.
  return match ? { field: match[1]!.split(/[.[\]]+/).filter(Boolean) } : {};
}

/**
 * graphql-js repeats the whole rejected value in the message; it may be an account number typed into
 * the wrong field. Keep the message, drop the value.
 */
function withoutRejectedValue(message: string): string {
  return message.replace(/^(Variable "\$[^"]+" got) invalid value .*? (at "[^"]+"; |; )/s, '$1 an invalid value $2');
}

/** Production hides "Did you mean …?" hints: they map the schema for someone probing it. */
function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .*\?$/, '');
}

function withoutStack(extensions: Record<string, unknown> | undefined, production: boolean): Record<string, unknown> {
  if (!extensions) return {};
  if (!production) return extensions;
  const { stacktrace: _stacktrace, exception: _exception, ...rest } = extensions;
  return rest;
}
