/**
 * POST and GET /graphql for documents sent by id: `{"documentId": "sha256:…", "variables": …}` (the
 * GraphQL-over-HTTP persisted-documents proposal) and Apollo's APQ shape
 * (`extensions.persistedQuery.sha256Hash`, with or without the query text). Every other request goes to
 * Apollo Server unchanged.
 *
 * Why not Apollo's own APQ (`persistedQueries`): it has one cache for everyone and lets every caller
 * register, knows nothing of `documentId`, and cannot hold an app to its manifest. And why not resolve the
 * id and hand Apollo the text: Apollo would then run its whole request pipeline (hashing, its document
 * cache, plugins) for a document that was parsed and validated when it was loaded. So a document run by
 * id is handed whole to the operation pipeline (`run`: admission, the app's policy, scopes and price,
 * the deadline, the shared executor, errors formatted with the request id, tracing and metrics), and
 * this door answers the way Apollo answers (status codes, content types, no mutation over GET; a legacy
 * application/json client gets a parse, validation or coercion failure with 200), which
 * test/integration/trusted-documents*.test.ts checks.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { GraphQLError } from 'graphql';
import { startOperation } from '../observability/tracing.js';
import type { OperationPipeline } from './pipeline.js';
import { legacyStatus } from './http-errors.js';
import { SUBSCRIPTION_TRANSPORTS } from './streamed.js';

export interface PersistedHttpOptions {
  pipeline: OperationPipeline;
  /** Apollo's handler: every request not sent by id. */
  apollo: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';

type Params = Record<string, unknown>;

/** Whether a request is sent by id (its parameters, before anything is parsed). */
function persistedParams(request: FastifyRequest): Params | undefined {
  const params = (request.method === 'GET' ? request.query : request.body) as Params | undefined;
  if (!params || typeof params !== 'object' || Array.isArray(params)) return undefined;
  if (params.documentId !== undefined && params.documentId !== null) return params;
  const extensions = params.extensions;
  if (typeof extensions === 'string') return extensions.includes('persistedQuery') ? params : undefined;
  return extensions && typeof extensions === 'object' && 'persistedQuery' in extensions ? params : undefined;
}

/** A subscription cannot stream in a JSON answer; a mutation cannot be sent by GET. */
function acceptsFor(method: string) {
  return (type: string): GraphQLError | undefined => {
    if (type === 'subscription') return requestError(SUBSCRIPTION_TRANSPORTS, 'BAD_REQUEST', 400);
    if (type === 'mutation' && method === 'GET')
      return requestError('Can only perform a mutation operation from a POST request.', 'BAD_REQUEST', 405, new Map([['allow', 'POST']]));
    return undefined;
  };
}

export function persistedDocumentsHandler(options: PersistedHttpOptions): RouteHandlerMethod {
  const { pipeline } = options;

  return async (request, reply) => {
    const params = request.method === 'OPTIONS' ? undefined : persistedParams(request);
    if (!params) return options.apollo(request, reply);

    const contentType = chooseContentType(request.headers.accept);
    let wireError: GraphQLError | undefined;
    let { extensions, variables } = params;
    if (!contentType) wireError = requestError('Send an accept header that allows application/json or application/graphql-response+json', 'BAD_REQUEST', 406);
    else if (request.method === 'GET') {
      const parsed = parseJsonParams(params);
      if (parsed instanceof GraphQLError) wireError = parsed;
      else ({ extensions, variables } = parsed);
    }
    const answer = await pipeline.run({
      door: 'by-id',
      requestId: request.id,
      // The operation's span from the start (its parent the client's traceparent), so a refusal is traced too.
      trace: startOperation(request.headers, request.id, 'http'),
      authorization: request.headers.authorization,
      query: params.query,
      documentId: params.documentId,
      extensions,
      variables,
      wireError,
      accepts: acceptsFor(request.method),
      gone: (cancel) => onClientGone(reply, cancel),
    });
    for (const [name, value] of answer.headers ?? []) void reply.header(name, value);
    // A legacy application/json client reads a parse, validation or coercion failure from a 200 (by their contract codes).
    return reply
      .code(legacyStatus(answer.status, contentType ?? JSON_TYPE, answer.body.errors, answer.body.data !== undefined))
      .type(contentType ?? JSON_TYPE)
      .send(JSON.stringify(answer.body));
  };
}

/** GET carries `extensions` and `variables` as JSON strings. */
function parseJsonParams(params: Params): { extensions: unknown; variables: unknown } | GraphQLError {
  const out: { extensions: unknown; variables: unknown } = { extensions: undefined, variables: undefined };
  for (const field of ['extensions', 'variables'] as const) {
    const value = params[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') return requestError(`The ${field} search parameter must be a JSON-encoded object`, 'BAD_REQUEST', 400);
    try {
      out[field] = JSON.parse(value);
    } catch {
      return requestError(`The ${field} search parameter contains invalid JSON.`, 'BAD_REQUEST', 400);
    }
  }
  return out;
}

/** Calls `cancel` when the client disconnects before the response is complete. */
export function onClientGone(reply: FastifyReply, cancel: () => void): void {
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) cancel();
  });
}

function requestError(message: string, code: string, status?: number, headers?: Map<string, string>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(status ? { http: { status, ...(headers ? { headers } : {}) } } : {}) } });
}

/**
 * Apollo's choice of response type: application/json without an accept header; otherwise the one of
 * application/json and application/graphql-response+json the header prefers (by q, then by order);
 * undefined when it accepts neither (406).
 */
export function chooseContentType(accept: string | undefined): string | undefined {
  if (!accept) return JSON_TYPE;
  let best: { type: string; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [range, ...parameters] = part.trim().toLowerCase().split(';');
    const qParam = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const type =
      range === 'application/graphql-response+json'
        ? GRAPHQL_RESPONSE_TYPE
        : range === 'application/json' || range === 'application/*' || range === '*/*'
          ? JSON_TYPE
          : undefined;
    if (type && (!best || q > best.q)) best = { type, q };
  }
  return best?.type;
}
