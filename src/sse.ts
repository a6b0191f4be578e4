/**
 * GraphQL over Server-Sent Events (the `graphql-sse` protocol, distinct connections mode) at /graphql:
 * a POST with `Accept: text/event-stream` and the usual JSON body (`query`, `variables`,
 * `operationName`, `extensions`, or `documentId`) is answered with an event stream — one `event: next`
 * per result (every event of a subscription; the one result of a query or mutation), then
 * `event: complete`. Subscriptions over plain HTTP, for clients that cannot open a WebSocket.
 *
 * A door of the operation pipeline (src/graphql/pipeline.ts), as graphql-ws is (src/graphql/streamed.ts),
 * with the request's own Authorization header: every step (src/graphql/steps/index.ts), the app's
 * document policy (trusted documents by id, APQ, text), parse and validate, a deadline for queries
 * and mutations, the one executor.
 *
 * A refusal before anything runs is answered as over plain HTTP, in JSON with the error's status:
 * 401 without a valid key, 403 without the scopes, 429 over the rate limit (Retry-After), 400 for a
 * document that does not parse or validate, each error with its request id. A refusal that asks for
 * 200 (PERSISTED_QUERY_NOT_FOUND, which APQ clients retry with the text) is the stream's one result.
 *
 * The client closing the connection ends the operation: a subscription is released from the event
 * bus, a query or mutation's upstream calls are cancelled. `close()` (graceful shutdown) ends every
 * open stream without `event: complete`, so clients reconnect (to another replica) rather than think
 * the subscription finished.
 *
 * Only the distinct connections mode: no stream reservations (single connection mode's PUT/DELETE), and
 * no GET (an EventSource cannot send the Authorization header; a POST with a JSON body also cannot be
 * sent cross-origin without a CORS preflight).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHandler, type OperationArgs, type Response as SseResponse } from 'graphql-sse';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { forRequest, type Logger } from './logging.js';
import type { Operation, OperationPipeline } from './graphql/pipeline.js';
import { executionArgs, type StreamedOptions } from './graphql/streamed.js';
import { startOperation } from './observability/tracing.js';

const EVENT_STREAM = 'text/event-stream';
const JSON_TYPE = 'application/json; charset=utf-8';

export interface SseServerOptions extends StreamedOptions {
  logger: Logger;
}

export interface SseServer {
  /** Whether the request is for this server: a POST whose Accept prefers text/event-stream. */
  accepts(request: FastifyRequest): boolean;
  /** Answers the request (takes the reply over: Fastify sends nothing for it). */
  handle(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Ends every open stream and waits for their responses to end. */
  close(): Promise<void>;
}

/** What graphql-sse carries for one request: its reply, and the operation once it runs. */
interface SseRequestContext {
  reply: FastifyReply;
  running?: Operation;
}

type Params = Record<string, unknown>;

export function createSseServer(options: SseServerOptions): SseServer {
  const { pipeline } = options;
  /** Open streams, to end at shutdown, and the handlers writing them. */
  const open = new Map<AsyncGenerator<string, void, undefined>, Promise<void>>();
  let closing = false;

  const handler = createHandler<FastifyRequest, SseRequestContext, Record<PropertyKey, unknown>>({
    // Distinct connections only: no token, so no reservations (single connection mode).
    authenticate: () => null,
    // onSubscribe always hands back the pipeline's own parsed and validated document.
    validate: () => [],
    // Every operation runs on the pipeline's one executor.
    execute: (args) => pipeline.executeArgs(args as never),
    subscribe: (args) => pipeline.executeArgs(args as never),
    onSubscribe: async (req, params): Promise<SseResponse | OperationArgs<Record<PropertyKey, unknown>>> => {
      const request = req.raw;
      const requestId = request.id;
      const body = request.body as Params;
      const opened = await pipeline.open({
        door: 'sse',
        requestId,
        // The operation's span from the start (its parent the client's traceparent), so a refusal is traced too.
        trace: startOperation(request.headers, requestId, 'sse'),
        authorization: request.headers.authorization,
        query: params.query,
        documentId: body.documentId,
        extensions: params.extensions,
        operationName: params.operationName,
        variables: params.variables,
      });
      if (!opened.ok) return refusal(pipeline, opened.errors, requestId);
      req.context.running = opened.operation;
      return executionArgs(options.schema, opened.operation) as unknown as OperationArgs<Record<PropertyKey, unknown>>;
    },
    // A subscription set up is the end of its set-up for the pipeline's done hooks (its span ends).
    onOperation: async (_ctx, req, _args, result) => {
      if (req.context.running) await pipeline.subscribed(req.context.running, result);
    },
    onNext: async (_ctx, req, result) => {
      // graphql-sse queues what it is given without limit: while the client is not reading, stop taking
      // events from the subscription, so they wait in the event bus's bounded queue (slow subscribers).
      if (req.context.reply.raw.writableNeedDrain) await drained(req.context.reply);
      const running = req.context.running;
      // Errors formatted to the contract (GraphQLFormattedError), as graphql-sse sends them: JSON.
      return running ? (pipeline.answer(running, result as ExecutionResult) as ExecutionResult) : undefined;
    },
    onComplete: (_ctx, req) => {
      // The stream ended: nothing of the operation is left to cancel (a query's answer ended it already).
      if (req.context.running) pipeline.closed(req.context.running);
      req.context.running = undefined;
    },
  });

  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const context: SseRequestContext = { reply };
    let response: SseResponse;
    const problem = closing ? shuttingDown() : badBody(request);
    if (problem) {
      response = refusal(pipeline, [problem], request.id);
    } else {
      try {
        response = await handler({
          method: request.method,
          url: request.url,
          // Negotiated already (`accepts`): graphql-sse streams only for exactly this Accept.
          headers: { get: (key) => (key === 'accept' ? EVENT_STREAM : key === 'content-type' ? 'application/json' : headerOf(request, key)) },
          body: withQuery(request.body as Params),
          raw: request,
          context,
        });
      } catch (error) {
        forRequest(options.logger, request.id).error({ err: error }, 'unexpected error while opening an SSE stream');
        if (context.running) pipeline.cancel(context.running);
        response = refusal(
          pipeline,
          [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } } })],
          request.id,
        );
      }
    }
    const [body, init] = response;
    // Headers set before the handler (x-request-id, CORS) go out with the stream.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    reply.raw.writeHead(init.status, init.statusText, { ...headers, ...init.headers });
    if (!body || typeof body === 'string') {
      reply.raw.end(body ?? undefined);
      return;
    }
    const streaming = stream(body, reply, context, request.id);
    open.set(body, streaming);
    try {
      await streaming;
    } finally {
      open.delete(body);
    }
  };

  /** Writes the stream until it ends or the client goes away (then the operation ends too). */
  const stream = async (body: AsyncGenerator<string, void, undefined>, reply: FastifyReply, context: SseRequestContext, requestId: string) => {
    const gone = () => {
      if (reply.raw.writableFinished) return;
      if (context.running) {
        pipeline.cancel(context.running);
        pipeline.closed(context.running);
      }
      void body.return(undefined);
    };
    reply.raw.once('close', gone);
    try {
      for await (const chunk of body) {
        if (!reply.raw.writable) break;
        // A slow reader holds the stream back rather than let events pile up in memory.
        if (!reply.raw.write(chunk)) await drained(reply);
      }
    } catch (error) {
      // The source stream failed after the headers went out: nothing to answer with but the end.
      forRequest(options.logger, requestId).error({ err: error }, 'unexpected error while streaming an SSE response');
      if (context.running) pipeline.cancel(context.running);
    } finally {
      if (context.running) pipeline.closed(context.running);
      reply.raw.off('close', gone);
      // Not awaited: a response whose client has gone never reports the end.
      reply.raw.end();
    }
  };

  return {
    accepts: (request) => request.method === 'POST' && prefersEventStream(request.headers.accept),
    handle: async (request, reply) => {
      reply.hijack();
      await serve(request, reply);
    },
    close: async () => {
      closing = true;
      const streaming = [...open];
      for (const [body] of streaming) void body.return(undefined);
      await Promise.allSettled(streaming.map(([, done]) => done));
    },
  };
}

/**
 * Whether an Accept header prefers text/event-stream: listed with a q above 0, and no JSON type (or
 * wildcard) accepted with a higher q. Without it (or preferring JSON) the request is plain HTTP.
 */
export function prefersEventStream(accept: string | undefined): boolean {
  if (!accept) return false;
  let stream = 0;
  let other = 0;
  for (const part of accept.split(',')) {
    const [range, ...parameters] = part.trim().toLowerCase().split(';');
    const qParam = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    if (range === EVENT_STREAM) stream = Math.max(stream, q);
    else other = Math.max(other, q);
  }
  return stream > 0 && stream >= other;
}

/** Until the response can take more, or its client has gone. */
function drained(reply: FastifyReply): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      reply.raw.off('drain', done);
      reply.raw.off('close', done);
      resolve();
    };
    reply.raw.once('drain', done);
    reply.raw.once('close', done);
  });
}

/** The request's body as graphql-sse reads it: a document sent by id has no query text (the pipeline resolves it). */
function withQuery(body: Params): Params {
  return body.query === undefined || body.query === null ? { ...body, query: '' } : body;
}

function headerOf(request: FastifyRequest, key: string): string | undefined {
  const value = request.headers[key];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** What graphql-sse would refuse in its own shape, refused in the contract's: a JSON object body, its fields' types. */
function badBody(request: FastifyRequest): GraphQLError | undefined {
  const type = request.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
  const body = request.body as Params | undefined;
  if (type !== 'application/json' || !body || typeof body !== 'object' || Array.isArray(body))
    return bad('Send the operation as a JSON object {"query": "…", "variables": {…}} with content-type application/json');
  if (body.query !== undefined && body.query !== null && typeof body.query !== 'string') return bad('"query" must be a string');
  for (const field of ['variables', 'extensions'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) return bad(`"${field}" must be an object`);
  }
  if (body.operationName !== undefined && body.operationName !== null && typeof body.operationName !== 'string') return bad('"operationName" must be a string');
  return undefined;
}

function bad(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

function shuttingDown(): GraphQLError {
  return new GraphQLError('The gateway is shutting down: connect again', { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
}

/**
 * A refusal before the stream opens: JSON with the status the error asks for (400 when it asks none),
 * its headers (Retry-After), the errors formatted with the request id. One that asks for 200 is the
 * stream's only result instead, so an SSE client reads it as a GraphQL result.
 */
function refusal(pipeline: OperationPipeline, errors: readonly GraphQLError[], requestId: string): SseResponse {
  const http = errors[0]?.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
  const status = http?.status ?? 400;
  const headers = Object.fromEntries(http?.headers ?? []);
  const body = { errors: pipeline.formatErrors(errors, requestId) };
  if (status === 200) {
    const events = `event: next\ndata: ${JSON.stringify(body)}\n\nevent: complete\ndata:\n\n`;
    return [events, { status, statusText: 'OK', headers: { ...headers, 'content-type': `${EVENT_STREAM}; charset=utf-8`, 'cache-control': 'no-cache' } }];
  }
  return [JSON.stringify(body), { status, statusText: STATUS_TEXT[status] ?? 'Error', headers: { ...headers, 'content-type': JSON_TYPE } }];
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
