/**
 * Distributed tracing (OpenTelemetry), as the hot path sees it: which tracer is installed (none, unless
 * OTEL_* variables asked for one: src/observability/tracing-sdk.ts, or a test installed one), the W3C
 * trace context a client sent, and the few span helpers the pipeline, the transport and the webhooks
 * call.
 *
 * Off costs nothing measurable: every helper starts with one check of `active` and returns undefined.
 * The trace context travels explicitly (GatewayContext.trace → CallContext.trace → UpstreamCall.trace),
 * like the request id, never in a context manager: AsyncLocalStorage's promise hooks would cost every
 * request on Node 20 whether traced or not, so no context manager is ever registered, on or off.
 *
 * With tracing off, a client's well-formed `traceparent`/`tracestate` is still passed on unchanged to
 * every provider call it causes, and its trace id is put in log lines and errors: the caller's trace
 * continues through us (as the W3C recommendation asks of a participant that records nothing), at the
 * cost of one header lookup per request, and only parsing when the header is there.
 *
 * Nothing that can carry user data goes into a span: no variables, no query text, no URL (only the
 * endpoint label, `GET v2/payment/cashout/{id}`), and every error message through `sanitizeText`.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { sanitizeText } from '../sanitize.js';

export type { Context as TraceContext, Span } from '@opentelemetry/api';

/** The instrumentation scope of every span the gateway makes. */
export const TRACER_NAME = 'pasarela';

let active: Tracer | undefined;

/** The installed tracer, or undefined when tracing is off (the one check on the hot path). */
export function activeTracer(): Tracer | undefined {
  return active;
}

/**
 * Makes `provider` the source of every span from now on (gateways read it per call; the Apollo
 * plugin's phase hooks are wired when a gateway is created, so install before `createGateway`).
 * Tests install a provider with an in-memory exporter here; `startTracing` installs the OTLP one.
 */
export function installTracing(provider: TracerProvider): void {
  active = provider.getTracer(TRACER_NAME);
}

/** Back to off (tests). The provider is the caller's to shut down. */
export function uninstallTracing(): void {
  active = undefined;
}

/**
 * Whether the standard OTel variables ask for traces: an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or an exporter (OTEL_TRACES_EXPORTER, other than `none`), and
 * not OTEL_SDK_DISABLED=true. OTEL_SERVICE_NAME or a sampler alone turn nothing on.
 */
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

// ── W3C trace context ────────────────────────────────────────────────────────────────────────────

const propagator = new W3CTraceContextPropagator();

/** Where a client's trace context can come from: HTTP headers, or a graphql-ws message's extensions. */
export type TraceCarrier = Record<string, unknown>;

/** The trace context in `carrier` (`traceparent`, `tracestate`), or undefined when absent or malformed. */
export function remoteTrace(carrier: TraceCarrier): Context | undefined {
  if (typeof carrier.traceparent !== 'string') return undefined;
  const context = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
  return trace.getSpanContext(context) ? context : undefined;
}

/** Adds `traceparent` (and `tracestate`) for `context` to outgoing `headers`. */
function inject(context: Context, headers: Record<string, string>): void {
  propagator.inject(context, headers, defaultTextMapSetter);
}

/** The trace id of a context, for log lines and errors. */
export function traceIdOf(context: Context | undefined): string | undefined {
  return context ? trace.getSpanContext(context)?.traceId : undefined;
}

// ── Spans ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A span and the context its children start from. `span` is undefined when tracing is off and the
 * context is a client's remote one (passed on, nothing recorded).
 */
export interface Traced {
  readonly context: Context;
  readonly span: Span | undefined;
  readonly traceId: string;
}

/**
 * Whether children of `parent` would be recorded: tracing is on and the parent's span is recorded (a
 * root, without a parent, is up to the sampler). Lets an unsampled operation's provider calls skip
 * making spans nobody records; their attempts still carry the (unsampled) trace on.
 */
export function recording(parent: Context | undefined): boolean {
  if (!active) return false;
  if (!parent) return true;
  const span = trace.getSpan(parent);
  return span === undefined || span.isRecording();
}

/** A child span of `parent` (a root span without one), or undefined when tracing is off. */
export function startSpan(name: string, parent: Context | undefined, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL): Span | undefined {
  return active?.startSpan(name, { kind, attributes }, parent ?? ROOT_CONTEXT);
}

/** A span and its context for children, or `parent` passed on as it is when tracing is off. */
export function startTraced(name: string, parent: Context | undefined, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL): Traced | undefined {
  if (!active) {
    const traceId = traceIdOf(parent);
    return parent && traceId ? { context: parent, span: undefined, traceId } : undefined;
  }
  const span = active.startSpan(name, { kind, attributes }, parent ?? ROOT_CONTEXT);
  return { context: trace.setSpan(parent ?? ROOT_CONTEXT, span), span, traceId: span.spanContext().traceId };
}

/**
 * A server span for something a caller sent (`carrier`: its headers), its parent the caller's
 * `traceparent` when it sent one; undefined when tracing is off and the caller sent none.
 */
export function startIncoming(name: string, carrier: TraceCarrier, attributes: Attributes): Traced | undefined {
  const parent = carrier.traceparent === undefined ? undefined : remoteTrace(carrier);
  if (!active && !parent) return undefined;
  return startTraced(name, parent, attributes, SpanKind.SERVER);
}

/** The span of one GraphQL operation (renamed `<type> <name>` once the operation is known). */
export function startOperation(carrier: TraceCarrier, requestId: string, transport: 'http' | 'websocket' | 'sse'): Traced | undefined {
  return startIncoming('graphql.operation', carrier, { 'pasarela.request_id': requestId, 'pasarela.transport': transport });
}

/** Ends `span` as failed, with a message safe to export. */
export function endFailed(span: Span, error: unknown, type?: string): void {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'error';
  span.setStatus({ code: SpanStatusCode.ERROR, message: sanitizeText(message) });
  if (type) span.setAttribute('error.type', type);
  span.end();
}

/**
 * Headers for one upstream attempt: `span` (the attempt's) as the parent the provider sees when
 * tracing is on; the caller's remote context passed on unchanged when it is off.
 */
export function injectTrace(headers: Record<string, string>, context: Context | undefined, span: Span | undefined): void {
  if (span) inject(trace.setSpan(context ?? ROOT_CONTEXT, span), headers);
  else if (context) inject(context, headers);
}

export { SpanKind, SpanStatusCode };
