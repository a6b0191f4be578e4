/**
 * POST and GET /graphql run by the operation pipeline itself, without Apollo's request pipeline:
 *
 * - documents sent by id: `{"documentId": "sha256:…", "variables": …}` (the GraphQL-over-HTTP
 *   persisted-documents proposal) and Apollo's APQ shape (`extensions.persistedQuery.sha256Hash`, with or
 *   without the query text);
 * - query texts the gateway holds (src/graphql/held-texts.ts: Apollo or the pipeline validated them
 *   once), in a request Apollo would take as it is (`heldText`).
 *
 * Every other request goes to Apollo Server unchanged (src/graphql/apollo-http.ts): the first sight of
 * a text, and whatever Apollo answers in its own words (a malformed request, a parse or validation
 * failure, an unknown operation name, an Accept it cannot answer).
 *
 * Why not Apollo's own APQ (`persistedQueries`): it has one cache for everyone and lets every caller
 * register, knows nothing of `documentId`, and cannot hold an app to its manifest. And why not let Apollo
 * run what the gateway already holds: its request pipeline (hashing, its document cache, plugins,
 * response building) cost more than half of an operation's CPU (bench/README.md, case 2). So a held
 * document is handed whole to the operation pipeline (`run`: admission, the app's policy, scopes and
 * price, the deadline, the shared executor, errors formatted with the request id, tracing and metrics),
 * and this door answers the way Apollo answers (status codes and their order, content types, only
 * queries over GET, `errors` before `data`; a legacy application/json client gets a parse, validation
 * or coercion failure with 200), which test/integration/held-texts.test.ts and
 * test/integration/trusted-documents*.test.ts check.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { GraphQLError } from 'graphql';
import { startOperation } from '../observability/tracing.js';
import type { Answer, OperationPipeline } from './pipeline.js';
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

/** A request's parameters (the GET query string or the POST body), when they are an object. */
function paramsOf(request: FastifyRequest): Params | undefined {
  const params = (request.method === 'GET' ? request.query : request.body) as Params | undefined;
  return params && typeof params === 'object' && !Array.isArray(params) ? params : undefined;
}

/** Whether a request is sent by id (its parameters, before anything is parsed). */
function isPersisted(params: Params): boolean {
  if (params.documentId !== undefined && params.documentId !== null) return true;
  const extensions = params.extensions;
  if (typeof extensions === 'string') return extensions.includes('persistedQuery');
  return !!extensions && typeof extensions === 'object' && 'persistedQuery' in extensions;
}

/** A subscription cannot stream in a JSON answer; a mutation cannot be sent by GET. */
function acceptsFor(method: string): (type: string) => GraphQLError | undefined {
  return method === 'GET' ? acceptsOverGet : acceptsOverPost;
}

function acceptsOverPost(type: string): GraphQLError | undefined {
  return type === 'subscription' ? requestError(SUBSCRIPTION_TRANSPORTS, 'BAD_REQUEST', 400) : undefined;
}

/** Apollo's refusal, in its words (only a query may be sent by GET). */
function acceptsOverGet(type: string): GraphQLError | undefined {
  if (type !== 'query')
    return requestError(`GET requests only support query operations, not ${type} operations`, 'BAD_REQUEST', 405, new Map([['allow', 'POST']]));
  return undefined;
}

/** How this door reports its client leaving: the operation is cancelled when the client disconnects early. */
function goneOf(reply: FastifyReply): (cancel: () => void) => void {
  return (cancel) => onClientGone(reply, cancel);
}

export function persistedDocumentsHandler(options: PersistedHttpOptions): RouteHandlerMethod {
  const { pipeline } = options;

  return async (request, reply) => {
    if (request.method === 'OPTIONS') return options.apollo(request, reply);
    const params = paramsOf(request);
    if (params && isPersisted(params)) return runById(pipeline, request, reply, params);
    const text = params && heldText(pipeline, request, params);
    if (!text) return options.apollo(request, reply);
    const answer = await pipeline.run({
      door: 'http',
      requestId: request.id,
      // The operation's span from the start (its parent the client's traceparent).
      trace: startOperation(request.headers, request.id, 'http'),
      authorization: request.headers.authorization,
      query: text.query,
      operationName: text.operationName,
      variables: text.variables,
      accepts: acceptsFor(request.method),
      gone: goneOf(reply),
    });
    return send(reply, answer, text.contentType);
  };
}

/** A document sent by id: the pipeline resolves it by the app's policy and runs it. */
async function runById(pipeline: OperationPipeline, request: FastifyRequest, reply: FastifyReply, params: Params) {
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
    gone: goneOf(reply),
  });
  return send(reply, answer, contentType ?? JSON_TYPE);
}

/** The answer as Apollo writes one: its status and headers, `errors` before `data`, a final newline. */
function send(reply: FastifyReply, answer: Answer, contentType: string) {
  if (answer.headers) for (const [name, value] of answer.headers) void reply.header(name, value);
  const { errors, data } = answer.body;
  // A legacy application/json client reads a parse, validation or coercion failure from a 200 (by their contract codes).
  return reply
    .code(legacyStatus(answer.status, contentType, errors, data !== undefined))
    .type(contentType)
    .send(`${JSON.stringify({ errors, data })}\n`);
}

/** A text request as Apollo would take it. */
interface TextRequest {
  query: string;
  operationName: string | undefined;
  variables: Readonly<Record<string, unknown>> | null | undefined;
  contentType: string;
}

/**
 * A text the pipeline holds (valid, with the operation named) in a request Apollo would take as it is:
 * the fields in their types (GET: each given once, `variables` JSON of an object, no content type but
 * JSON's), and an accept header it can answer. Anything else goes to Apollo, which answers it in its
 * own words.
 */
function heldText(pipeline: OperationPipeline, request: FastifyRequest, params: Params): TextRequest | undefined {
  const { query, operationName } = params;
  if (typeof query !== 'string' || !(absent(operationName) || typeof operationName === 'string')) return undefined;
  let { extensions, variables } = params;
  if (request.method === 'GET') {
    const type = request.headers['content-type'];
    if (type !== undefined && type.split(';')[0]!.trim().toLowerCase() !== 'application/json') return undefined;
    const parsed = parseJsonParams(params);
    if (parsed instanceof GraphQLError) return undefined;
    ({ extensions, variables } = parsed);
  }
  if (!(absent(extensions) || isRecord(extensions)) || !(absent(variables) || isRecord(variables))) return undefined;
  const contentType = chooseContentType(request.headers.accept);
  if (!contentType || !pipeline.holds(query, operationName)) return undefined;
  return { query, operationName: operationName ?? undefined, variables, contentType };
}

function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
