/**
 * One error shape at every HTTP door: whatever refuses a request — the gateway's pipeline, Apollo Server
 * (an empty body, a batch, an unacceptable Accept), Fastify itself (404, a body that is not JSON, 413, 415), the CSV
 * export — answers a GraphQL-over-HTTP response `{"errors": [{"message", "extensions": {"code",
 * "requestId", …}}]}` with the HTTP status that says what happened (docs/contract/README.md, "Errors").
 *
 * - `refusalBody` builds that body; the doors that answer by themselves (src/exports/) use it.
 * - `answerRefusalsAsGraphQL` installs Fastify's error and not-found handlers, and adds the request id
 *   to the error responses Apollo writes before an operation has a context (they carry none).
 * - `legacyStatus`: under `Accept: application/json` (or none), a request whose document does not
 *   parse, validate or whose variables do not coerce is answered 200 with its errors, as the
 *   GraphQL-over-HTTP spec asks of servers for legacy clients; `application/graphql-response+json`
 *   keeps 400.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import { forRequest, type Logger } from '../logging.js';
import type { GraphQLErrorCode } from './errors.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Fastify's codes for a JSON body it could not parse. */
const NOT_JSON = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

export const NOT_JSON_MESSAGE =
  'The request body is not valid JSON: send {"query": "…", "variables": {…}} with content-type application/json (`npm run gql` builds it from a GraphQL document)';

/** The request-level codes whose refusal a legacy (`application/json`) client gets with HTTP 200. */
const LEGACY_200_CODES = new Set<unknown>(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

export interface RefusalBody {
  errors: { message: string; extensions: Record<string, unknown> }[];
}

/** The GraphQL-over-HTTP body of a refusal: one error, its code, the request id and any details (`field`, `provider`). */
export function refusalBody(code: GraphQLErrorCode, message: string, requestId: string, extensions: Record<string, unknown> = {}): RefusalBody {
  return { errors: [{ message, extensions: { code, ...extensions, requestId } }] };
}

function isGraphQLPath(url: string): boolean {
  return url === '/graphql' || url.startsWith('/graphql?');
}

/** Fastify's own refusals (the body parser's, a route's thrown error), as a code, a status and a message. */
function classify(error: FastifyError, request: FastifyRequest, bodyLimit: number): { status: number; code: GraphQLErrorCode; message: string } | undefined {
  if (NOT_JSON.has(error.code))
    return { status: 400, code: 'BAD_REQUEST', message: isGraphQLPath(request.url) ? NOT_JSON_MESSAGE : 'The request body is not valid JSON' };
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, code: 'BAD_REQUEST', message: `The request body is over ${bodyLimit} bytes: send a smaller document or fewer variables` };
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { status: 415, code: 'BAD_REQUEST', message: `Unsupported content-type: send the request as application/json` };
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { status, code: 'BAD_REQUEST', message: error.message };
  return undefined;
}

export interface RefusalOptions {
  logger: Logger;
  /** Fastify's bodyLimit, to say it in a 413. */
  bodyLimit: number;
}

/**
 * Fastify's error and not-found handlers answer in the contract's shape, and Apollo's early refusals get
 * the request id. An unexpected error is logged with its request id and answered 500
 * INTERNAL_SERVER_ERROR without its message.
 */
export function answerRefusalsAsGraphQL(app: FastifyInstance, options: RefusalOptions): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = classify(error, request, options.bodyLimit);
    if (known) return sendRefusal(reply, known.status, known.code, known.message);
    forRequest(options.logger, request.id).error({ err: error }, 'unexpected error while answering a request');
    return sendRefusal(reply, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    if (path === '/graphql') return sendRefusal(reply.header('allow', 'GET, POST'), 405, 'BAD_REQUEST', `/graphql takes GET and POST, not ${request.method}`);
    return sendRefusal(reply, 404, 'NOT_FOUND', `No route ${request.method} ${path}: GraphQL is at /graphql (GET, POST)`);
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    done(null, reply.statusCode >= 400 ? withRequestIds(payload, request.id) : payload);
  });
}

/** A refusal answered in the contract's shape, with the request id of `reply`'s request. */
export function sendRefusal(
  reply: FastifyReply,
  status: number,
  code: GraphQLErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(status)
    .type(JSON_TYPE)
    .send(JSON.stringify(refusalBody(code, message, reply.request.id, extensions)));
}

/**
 * The request id added to every error of a JSON error body that has none: Apollo answers an empty
 * body, a batch or an unacceptable Accept header before the operation has a context,
 * so the gateway's plugin never sees them.
 */
function withRequestIds(payload: unknown, requestId: string): unknown {
  if (typeof payload !== 'string' || !payload.startsWith('{"errors":[') || payload.includes('"requestId"')) return payload;
  try {
    const body = JSON.parse(payload) as { errors?: GraphQLFormattedError[] };
    if (!Array.isArray(body.errors)) return payload;
    body.errors = body.errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId } }));
    return JSON.stringify(body);
  } catch {
    return payload;
  }
}

/**
 * The status of a request error for a client that accepts only `application/json` (or sent no Accept):
 * 200 when every error is a request error the spec lets such a client read from the body (parse,
 * validation, variable coercion) and nothing ran; otherwise `status` unchanged.
 */
export function legacyStatus(
  status: number,
  contentType: string | undefined,
  errors: readonly { extensions?: Record<string, unknown> }[] | undefined,
  hasData: boolean,
): number {
  if (status !== 400 || hasData || !errors || errors.length === 0) return status;
  if (!contentType?.startsWith('application/json')) return status;
  return errors.every((error) => LEGACY_200_CODES.has(error.extensions?.code)) ? 200 : status;
}
