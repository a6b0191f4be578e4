/**
 * GraphQL over WebSocket (graphql-ws, `graphql-transport-ws`) on the gateway's own HTTP server at
 * /graphql, for subscriptions and for queries and mutations alike: a door of the operation pipeline
 * (src/graphql/pipeline.ts), which every operation goes through whole — every step of
 * src/graphql/steps/index.ts, the parser's token limit, every validation rule, a request deadline,
 * the one executor, contract-shaped errors with the request id.
 *
 * A connection presents the same API key as HTTP — `connectionParams.authorization` ("Bearer <key>") or
 * the upgrade request's Authorization header; connections without a valid key are closed with 4403.
 * When the socket closes, the upstream calls of its operations are cancelled.
 *
 * A subscribe message may name a document the gateway holds instead of carrying its text, as over HTTP:
 * `{"query": "", "documentId": "sha256:…"}` or APQ's `extensions.persistedQuery` (graphql-ws requires a
 * `query` string, so it is empty). The client app's `documents` policy applies here too: a
 * `trusted-only` app cannot send any other text over WebSocket either.
 *
 * Tracing: a subscribe message's `extensions.traceparent`/`tracestate` (or the upgrade request's
 * headers) continue the client's trace. A query or mutation's span ends with its result; a
 * subscription's span ends once it is set up, and each event delivered is a `graphql.subscription.event`
 * span in the same trace.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientApp } from './auth/clients.js';
import { requestIdFrom, type Operation } from './graphql/pipeline.js';
import { executionArgs, type StreamedOptions } from './graphql/streamed.js';
import type { Metrics } from './observability/metrics.js';
import { startOperation, type TraceCarrier } from './observability/tracing.js';

/** Largest message a client may send (a document and its variables). */
export const WS_MAX_PAYLOAD = 64 * 1024;

/** The schema and the pipeline (shared with SSE: src/graphql/streamed.ts). */
export interface SubscriptionServerOptions extends StreamedOptions {
  /** For the open connections' gauge. */
  metrics: Metrics;
}

export interface SubscriptionServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** What this server keeps on each connection, beside graphql-ws's own `request` and `socket`. */
type Extra = {
  request: IncomingMessage;
  socket: WebSocket;
  client?: ClientApp;
  /** The connection's operations by graphql-ws id, to cancel when the socket closes. */
  running?: Map<string, Operation>;
} & Record<PropertyKey, unknown>;

export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { pipeline } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });

  const finish = (extra: Extra, id: string): Operation | undefined => {
    const running = extra.running?.get(id);
    extra.running?.delete(id);
    if (running) pipeline.closed(running);
    return running;
  };

  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: options.schema,
      // Every operation runs on the pipeline's one executor.
      execute: pipeline.executeArgs,
      subscribe: pipeline.executeArgs,
      isProd: true, // never put an internal error's message in a close reason
      onConnect: (ctx) => {
        const extra = ctx.extra as Extra;
        const fromParams = ctx.connectionParams?.authorization;
        const authorization = typeof fromParams === 'string' ? fromParams : extra.request.headers.authorization;
        try {
          extra.client = pipeline.authenticate(authorization);
        } catch {
          return false;
        }
        extra.running = new Map();
        options.metrics.websocketConnections.inc();
        extra.socket.once('close', () => {
          options.metrics.websocketConnections.dec();
          for (const running of extra.running!.values()) {
            pipeline.cancel(running);
            pipeline.closed(running);
          }
          extra.running!.clear();
        });
        return true;
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const extra = ctx.extra as Extra;
        const client = extra.client!;
        const requestId = requestIdFrom(payload.extensions?.requestId);
        const opened = await pipeline.open({
          door: 'websocket',
          requestId,
          trace: startOperation(traceCarrier(payload.extensions, extra.request), requestId, 'websocket'),
          client,
          query: payload.query,
          documentId: (payload as { documentId?: unknown }).documentId,
          extensions: payload.extensions,
          operationName: payload.operationName,
          variables: payload.variables,
        });
        if (!opened.ok) return opened.errors;
        extra.running!.set(id, opened.operation);
        return executionArgs(options.schema, opened.operation);
      },
      // A subscription set up is the end of its set-up for the pipeline's done hooks (its span ends).
      onOperation: async (ctx, id, _payload, _args, pending) => {
        const running = (ctx.extra as Extra).running?.get(id);
        if (running) await pipeline.subscribed(running, pending);
        return undefined;
      },
      onNext: (ctx, id, _payload, _args, result) => {
        const running = (ctx.extra as Extra).running?.get(id);
        return running ? pipeline.answer(running, result) : undefined;
      },
      onError: (ctx, id, _payload, errors) => {
        const running = finish(ctx.extra as Extra, id);
        const requestId = running?.request.requestId ?? requestIdOf(errors) ?? randomUUID();
        if (running) pipeline.end(running, { failed: true, errors });
        return pipeline.formatErrors(errors, requestId, running?.ctx);
      },
      onComplete: (ctx, id) => {
        finish(ctx.extra as Extra, id);
      },
    },
    wss,
  );

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Where a WebSocket operation's trace context comes from: its subscribe message, else the upgrade request. */
function traceCarrier(extensions: Record<string, unknown> | undefined | null, request: IncomingMessage): TraceCarrier {
  if (typeof extensions?.traceparent === 'string') return extensions;
  return request.headers;
}

function requestIdOf(errors: readonly GraphQLError[]): string | undefined {
  const id = errors[0]?.extensions.requestId;
  return typeof id === 'string' ? id : undefined;
}
