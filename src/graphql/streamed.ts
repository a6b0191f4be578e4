/**
 * The operation pipeline's steps for the transports that parse and execute operations themselves and
 * may stream their results: GraphQL over WebSocket (src/subscriptions.ts) and GraphQL over Server-Sent
 * Events (src/sse.ts). Both call `openOperation` for an operation and `deliver` for each result, so a
 * step cannot hold on one and be missing on the other:
 *
 * admission (the transport's: a connection's client app, or the request's key) → the app's document
 * policy (`resolve`: by id, APQ or text) → parse and validate (skipped for a held document) → scopes
 * and price with the variables → a deadline for queries and mutations → the operation's context; a
 * refusal is counted (`pipeline.done`) and its errors carry the request id. Each result has the partial
 * errors resolvers collected added, and its errors formatted to the contract; a query or mutation is
 * counted with its result, a subscription's events are traced one by one.
 */
import { GraphQLError, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ClientApp } from '../auth/clients.js';
import { NEVER_CANCELLED, type CancelSignal } from '../cancellation.js';
import type { GatewayContext } from '../context.js';
import { endFailed, SpanStatusCode, startSpan, type Traced } from '../observability/tracing.js';
import { tagged, type OperationPipeline } from './pipeline.js';

/** The answer to a subscription sent where results cannot stream (a plain JSON POST): where to send it. */
export const SUBSCRIPTION_TRANSPORTS =
  'Subscriptions need a streaming transport: GraphQL over WebSocket (graphql-ws) at ws(s)://…/graphql, or Server-Sent Events: POST /graphql with Accept: text/event-stream (docs/subscriptions.md)';

/** What a streaming transport's client asks to run (a graphql-ws subscribe payload, an SSE request body). */
export interface OperationParams {
  query: unknown;
  documentId?: unknown;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

export interface StreamedOptions {
  schema: GraphQLSchema;
  pipeline: OperationPipeline;
  /** The context of one operation. */
  context(client: ClientApp, requestId: string, signal: CancelSignal, trace?: Traced): GatewayContext;
}

/** One running operation: its context and how to end its upstream work. */
export interface Running {
  ctx: GatewayContext;
  /** The operation's name in its document (for metrics), and its type. */
  name: string | undefined;
  type: string;
  /** Cancels its upstream calls (the client went away). */
  cancel(): void;
  /** Clears its deadline (it finished). */
  done(): void;
  /** A subscription set up and counted open (metrics), until `subscriptionEnded`. */
  open?: boolean;
}

export type Opened = { ok: true; running: Running; args: ExecutionArgs & { contextValue: GatewayContext } } | { ok: false; errors: readonly GraphQLError[] };

/**
 * Steps 1 to 3 for one operation, and its context for step 4. `admit` is the transport's admission
 * (size, key or connection's app, rate limit), throwing a coded GraphQLError; anything else it throws
 * is thrown on (an internal error). Refusals end the operation's span and carry the request id.
 */
export async function openOperation(
  options: StreamedOptions,
  admit: () => Promise<ClientApp>,
  params: OperationParams,
  requestId: string,
  trace: Traced | undefined,
): Promise<Opened> {
  const { pipeline } = options;
  let client: ClientApp;
  try {
    client = await admit();
  } catch (error) {
    trace?.span?.setAttribute('pasarela.outcome', 'refused');
    if (trace?.span) endFailed(trace.span, error, error instanceof GraphQLError ? String(error.extensions.code) : undefined);
    if (error instanceof GraphQLError) return { ok: false, errors: [tagged(error, requestId, trace?.traceId)] };
    throw error;
  }
  const resolved = pipeline.resolve(client, { query: params.query, documentId: params.documentId, extensions: params.extensions }, requestId);
  const prepared = !resolved.ok
    ? resolved
    : resolved.kind === 'document'
      ? pipeline.authorizeDocument(client, resolved.document, params.variables)
      : pipeline.prepare(client, params.query, params.operationName, params.variables);
  const trusted = resolved.ok && resolved.kind === 'document' ? resolved.document : undefined;
  if (!prepared.ok) {
    // Counted like a refused HTTP operation: its type is unknown until it validates.
    const errors = prepared.errors.map((error) => tagged(error, requestId, trace?.traceId));
    pipeline.done(options.context(client, requestId, NEVER_CANCELLED, trace), params.operationName, undefined, true, errors);
    return { ok: false, errors };
  }
  const type = prepared.operation.operation;
  // A subscription lives as long as the client keeps it; a query or mutation has the deadline.
  const deadline = pipeline.deadline();
  if (type === 'subscription') deadline.done();
  const contextValue = options.context(client, requestId, deadline.signal, trace);
  if (trusted) contextValue.document = { id: trusted.id, name: trusted.name };
  return {
    ok: true,
    running: { ctx: contextValue, name: prepared.operation.name?.value, type, cancel: deadline.cancel, done: deadline.done },
    args: {
      schema: options.schema,
      document: prepared.document,
      // A held document has one operation: the name a client sends with it changes nothing.
      operationName: trusted ? undefined : params.operationName,
      variableValues: params.variables,
      contextValue,
    },
  };
}

/**
 * Step 5 for one result of a running operation: the partial errors resolvers collected added, a query
 * or mutation counted, a subscription's event traced; errors formatted with the request id. Undefined
 * when the result goes out as it is (no errors).
 */
export function deliver(
  pipeline: OperationPipeline,
  running: Running,
  result: ExecutionResult,
): (Omit<ExecutionResult, 'errors'> & { errors: GraphQLFormattedError[] }) | undefined {
  const { ctx: operation } = running;
  const partial = operation.partialErrors.splice(0);
  const errors = [...(result.errors ?? []), ...partial];
  if (running.type !== 'subscription') pipeline.done(operation, running.name, running.type, errors.length > 0, errors);
  else traceEvent(operation, running.name, errors.length);
  if (errors.length === 0) return undefined;
  return { ...result, errors: pipeline.formatErrors(errors, operation.requestId, operation) };
}

/**
 * Step 5 for a subscription once it is set up: counted (an error when its source stream could not open,
 * e.g. CURSOR_EXPIRED; otherwise a success, and open until `subscriptionEnded`), and its span ended (its
 * events have their own spans).
 */
export async function subscriptionSetUp(pipeline: OperationPipeline, running: Running, pending: unknown): Promise<void> {
  if (running.type !== 'subscription') return;
  const result = await pending;
  const errors = result && typeof result === 'object' && !(Symbol.asyncIterator in result) ? (result as ExecutionResult).errors : undefined;
  const failed = (errors?.length ?? 0) > 0;
  if (failed) return pipeline.done(running.ctx, running.name, running.type, true, errors);
  running.open = true;
  running.ctx.metrics.subscriptionStarted(running.ctx, running.name);
  pipeline.traceDone(running.ctx, running.name, running.type, false);
}

/** A subscription has ended (completed, failed, its client or connection gone): no longer counted open. Safe to call more than once. */
export function subscriptionEnded(running: Running): void {
  if (!running.open) return;
  running.open = false;
  running.ctx.metrics.subscriptionEnded(running.ctx, running.name);
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
