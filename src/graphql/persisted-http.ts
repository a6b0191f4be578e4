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
 * id goes through the operation pipeline's own steps here — admission (size, key, rate limit), the app's
 * policy (`resolve`), scopes, the deadline, execution by graphql-js, errors formatted to the contract
 * with the request id, metrics — and answers the way Apollo answers (status codes, content types, no
 * mutation over GET), which test/integration/trusted-documents*.test.ts checks.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { execute, GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ClientApp } from '../auth/clients.js';
import type { GatewayContext } from '../context.js';
import { forRequest, type Logger } from '../logging.js';
import { endFailed, startOperation, type Traced } from '../observability/tracing.js';
import { tagged, type OperationPipeline } from './pipeline.js';
import { SUBSCRIPTION_TRANSPORTS } from './streamed.js';
import { legacyStatus } from './http-errors.js';

export interface PersistedHttpOptions {
  schema: GraphQLSchema;
  pipeline: OperationPipeline;
  logger: Logger;
  /** The context of one operation, cancelled when the client goes away or its deadline passes. */
  context(client: ClientApp, request: FastifyRequest, reply: FastifyReply, trace: Traced | undefined): GatewayContext;
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

export function persistedDocumentsHandler(options: PersistedHttpOptions): RouteHandlerMethod {
  const { pipeline, schema } = options;

  return async (request, reply) => {
    const params = request.method === 'OPTIONS' ? undefined : persistedParams(request);
    if (!params) return options.apollo(request, reply);

    const requestId = request.id;
    // The operation's span from the start (its parent the client's traceparent), so a refusal is traced too.
    const trace = startOperation(request.headers, requestId, 'http');
    /** A refusal before the operation has a context: its span ends refused, its error carries the ids. */
    const refuse = (type: string, status: number, error: GraphQLError) => {
      if (trace?.span) {
        trace.span.setAttribute('pasarela.outcome', 'refused');
        endFailed(trace.span, error, String(error.extensions.code));
      }
      return answer(reply, pipeline, type, status, [tagged(error, requestId, trace?.traceId)], requestId);
    };
    const contentType = chooseContentType(request.headers.accept);
    if (!contentType)
      return refuse(JSON_TYPE, 406, requestError('Send an accept header that allows application/json or application/graphql-response+json', 'BAD_REQUEST'));

    let client: ClientApp;
    try {
      client = await pipeline.admitRequest(request.headers.authorization, params.query, requestId, trace?.traceId);
    } catch (error) {
      if (!(error instanceof GraphQLError)) {
        forRequest(options.logger, requestId, trace?.traceId).error({ err: error }, 'unexpected error while admitting a request');
        if (trace?.span) endFailed(trace.span, error);
        throw error;
      }
      return refuse(contentType, statusOf(error), error);
    }
    const ctx = options.context(client, request, reply, trace);

    const fail = (errors: readonly GraphQLError[], status: number, name?: string, type?: string) => {
      pipeline.done(ctx, name, type, true);
      return answer(reply, pipeline, contentType, status, errors, requestId, ctx);
    };

    let extensions = params.extensions;
    let variables = params.variables;
    if (request.method === 'GET') {
      const parsed = parseJsonParams(params);
      if (parsed instanceof GraphQLError) return fail([parsed], 400);
      ({ extensions, variables } = parsed);
    }
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
      return fail([requestError('"variables" must be an object', 'BAD_REQUEST')], 400);

    const resolved = pipeline.resolve(client, { query: params.query, documentId: params.documentId, extensions }, requestId);
    if (!resolved.ok) return fail(resolved.errors, statusOf(resolved.errors[0]!));
    // An APQ request that carries a query always resolves to a document (held or just registered).
    if (resolved.kind !== 'document') return fail([requestError('Send "documentId" or a persisted query', 'BAD_REQUEST')], 400);
    const { document } = resolved;
    ctx.document = { id: document.id, name: document.name };
    const type = document.operation.operation;

    if (type === 'subscription') return fail([requestError(SUBSCRIPTION_TRANSPORTS, 'BAD_REQUEST')], 400, document.name, type);
    if (type === 'mutation' && request.method === 'GET') {
      void reply.header('allow', 'POST');
      return fail([requestError('Can only perform a mutation operation from a POST request.', 'BAD_REQUEST')], 405, document.name, type);
    }
    const admitted = pipeline.authorizeDocument(client, document, variables);
    if (!admitted.ok) return fail(admitted.errors, statusOf(admitted.errors[0]!), document.name, type);

    const result = await execute({
      schema,
      document: document.document,
      variableValues: variables as Record<string, unknown> | null | undefined,
      contextValue: ctx,
    });
    const errors = ctx.partialErrors.length > 0 ? [...(result.errors ?? []), ...ctx.partialErrors] : result.errors;
    const failed = errors !== undefined && errors.length > 0;
    pipeline.done(ctx, document.name, type, failed);
    const body: { errors?: GraphQLFormattedError[]; data?: unknown } = {};
    if (failed) body.errors = pipeline.formatErrors(errors, requestId, ctx);
    // Without data, the variables did not coerce: a request error, 400 as Apollo answers it (200 for a
    // legacy application/json client).
    const status = result.data === undefined ? legacyStatus(400, contentType, body.errors, false) : 200;
    if (result.data !== undefined) body.data = result.data;
    return reply.code(status).type(contentType).send(JSON.stringify(body));
  };
}

/** GET carries `extensions` and `variables` as JSON strings. */
function parseJsonParams(params: Params): { extensions: unknown; variables: unknown } | GraphQLError {
  const out: { extensions: unknown; variables: unknown } = { extensions: undefined, variables: undefined };
  for (const field of ['extensions', 'variables'] as const) {
    const value = params[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') return requestError(`The ${field} search parameter must be a JSON-encoded object`, 'BAD_REQUEST');
    try {
      out[field] = JSON.parse(value);
    } catch {
      return requestError(`The ${field} search parameter contains invalid JSON.`, 'BAD_REQUEST');
    }
  }
  return out;
}

function requestError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** The HTTP status an error asks for (`extensions.http.status`), 400 for other request errors. */
function statusOf(error: GraphQLError): number {
  const http = error.extensions.http as { status?: number } | undefined;
  return http?.status ?? 400;
}

/** The headers an error asks for (PERSISTED_QUERY_NOT_FOUND: not cacheable; RATE_LIMITED: Retry-After). */
function headersOf(errors: readonly GraphQLError[]): Map<string, string> | undefined {
  const http = errors[0]?.extensions.http as { headers?: Map<string, string> } | undefined;
  return http?.headers;
}

/** A response of errors only: formatted to the contract (logged when unexpected), each with the request id. */
function answer(
  reply: FastifyReply,
  pipeline: OperationPipeline,
  contentType: string,
  status: number,
  errors: readonly GraphQLError[],
  requestId: string,
  ctx?: GatewayContext,
): FastifyReply {
  for (const [name, value] of headersOf(errors) ?? []) void reply.header(name, value);
  const formatted = pipeline.formatErrors(errors, requestId, ctx);
  // A legacy application/json client reads a parse, validation or coercion failure from a 200 (by their contract codes).
  return reply
    .code(legacyStatus(status, contentType, formatted, false))
    .type(contentType)
    .send(JSON.stringify({ errors: formatted }));
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
