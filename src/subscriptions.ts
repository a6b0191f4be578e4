/**
 * GraphQL over WebSocket (graphql-ws, `graphql-transport-ws`) on the gateway's own HTTP server at
 * /graphql, for subscriptions and for queries and mutations alike. Every operation goes through the
 * same pipeline as HTTP (src/graphql/pipeline.ts): size and rate limit per operation, the parser's token
 * limit, every validation rule, production's refusals, scopes, a request deadline, contract-shaped errors
 * with the request id, metrics.
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
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientApp } from './auth/clients.js';
import { NEVER_CANCELLED, type CancelSignal } from './cancellation.js';
import type { GatewayContext } from './context.js';
import { requestIdFrom, tagged, type OperationPipeline } from './graphql/pipeline.js';
import { activeTracer, endFailed, startOperation, startSpan, SpanStatusCode, type TraceCarrier, type Traced } from './observability/tracing.js';

/** Largest message a client may send (a document and its variables). */
export const WS_MAX_PAYLOAD = 64 * 1024;

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  pipeline: OperationPipeline;
  /** The context of one operation. */
  context(client: ClientApp, requestId: string, signal: CancelSignal, trace?: Traced): GatewayContext;
}

export interface SubscriptionServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** One running operation: its context and how to end its upstream work. */
interface Running {
  ctx: GatewayContext;
  /** The operation's name in its document (for metrics), and its type. */
  name: string | undefined;
  type: string;
  cancel(): void;
  done(): void;
}

/** What this server keeps on each connection, beside graphql-ws's own `request` and `socket`. */
type Extra = {
  request: IncomingMessage;
  socket: WebSocket;
  client?: ClientApp;
  /** The connection's operations by graphql-ws id, to cancel when the socket closes. */
  running?: Map<string, Running>;
} & Record<PropertyKey, unknown>;

export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { pipeline } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });

  const finish = (extra: Extra, id: string): Running | undefined => {
    const running = extra.running?.get(id);
    if (!running) return undefined;
    extra.running!.delete(id);
    running.done();
    return running;
  };

  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: options.schema,
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
        extra.socket.once('close', () => {
          for (const running of extra.running!.values()) running.cancel();
          extra.running!.clear();
        });
        return true;
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const extra = ctx.extra as Extra;
        const client = extra.client!;
        const requestId = requestIdFrom(payload.extensions?.requestId);
        const trace = startOperation(traceCarrier(payload.extensions, extra.request), requestId, 'websocket');
        try {
          await pipeline.admit(client, payload.query, requestId, trace?.traceId);
        } catch (error) {
          trace?.span?.setAttribute('pasarela.outcome', 'refused');
          if (trace?.span) endFailed(trace.span, error, error instanceof GraphQLError ? String(error.extensions.code) : undefined);
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const documentId = (payload as { documentId?: unknown }).documentId;
        const resolved = pipeline.resolve(client, { query: payload.query, documentId, extensions: payload.extensions }, requestId);
        const prepared = !resolved.ok
          ? resolved
          : resolved.kind === 'document'
            ? pipeline.authorizeDocument(client, resolved.document, payload.variables)
            : pipeline.prepare(client, payload.query, payload.operationName, payload.variables);
        const trusted = resolved.ok && resolved.kind === 'document' ? resolved.document : undefined;
        if (!prepared.ok) {
          // Counted like a refused HTTP operation: its type is unknown until it validates.
          const errors = prepared.errors.map((error) => tagged(error, requestId, trace?.traceId));
          pipeline.done(options.context(client, requestId, NEVER_CANCELLED, trace), payload.operationName, undefined, true, errors);
          return errors;
        }
        const type = prepared.operation.operation;
        // A subscription lives as long as the client keeps it; a query or mutation has the deadline.
        const deadline = pipeline.deadline();
        if (type === 'subscription') deadline.done();
        const contextValue = options.context(client, requestId, deadline.signal, trace);
        if (trusted) contextValue.document = { id: trusted.id, name: trusted.name };
        extra.running!.set(id, { ctx: contextValue, name: prepared.operation.name?.value, type, cancel: deadline.cancel, done: deadline.done });
        return {
          schema: options.schema,
          document: prepared.document,
          // A held document has one operation: the name a client sends with it changes nothing.
          operationName: trusted ? undefined : payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      // With tracing on: a subscription's span ends once it is set up (its events have their own spans).
      onOperation: activeTracer()
        ? async (ctx, id, _payload, _args, pending) => {
            const running = (ctx.extra as Extra).running?.get(id);
            if (!running || running.type !== 'subscription') return undefined;
            const result = await pending;
            const errors = Symbol.asyncIterator in result ? undefined : result.errors;
            pipeline.traceDone(running.ctx, running.name, running.type, (errors?.length ?? 0) > 0, errors);
            return undefined;
          }
        : undefined,
      onNext: (ctx, id, _payload, _args, result) => {
        const running = (ctx.extra as Extra).running?.get(id);
        if (!running) return undefined;
        const { ctx: operation } = running;
        const partial = operation.partialErrors.splice(0);
        const errors = [...(result.errors ?? []), ...partial];
        if (running.type !== 'subscription') pipeline.done(operation, running.name, running.type, errors.length > 0, errors);
        else traceEvent(operation, running.name, errors.length);
        if (errors.length === 0) return undefined;
        return { ...result, errors: pipeline.formatErrors(errors, operation.requestId, operation) };
      },
      onError: (ctx, id, _payload, errors) => {
        const running = finish(ctx.extra as Extra, id);
        const requestId = running?.ctx.requestId ?? requestIdOf(errors) ?? randomUUID();
        if (running?.ctx.trace?.span?.isRecording()) pipeline.traceDone(running.ctx, running.name, running.type, true, errors);
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

/** One subscription event delivered: a span in the subscription's trace (when it is recorded). */
function traceEvent(operation: GatewayContext, name: string | undefined, errors: number): void {
  if (!operation.trace?.span) return;
  const span = startSpan('graphql.subscription.event', operation.trace.context, {
    'pasarela.request_id': operation.requestId,
    'pasarela.outcome': errors > 0 ? 'error' : 'success',
    ...(name ? { 'graphql.operation.name': name } : {}),
  });
  if (span && errors > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `${errors} error(s)` });
  span?.end();
}

function requestIdOf(errors: readonly GraphQLError[]): string | undefined {
  const id = errors[0]?.extensions.requestId;
  return typeof id === 'string' ? id : undefined;
}
