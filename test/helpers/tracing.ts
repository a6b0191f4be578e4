/**
 * Tracing in a test process: the SDK's in-memory exporter installed as the gateway's tracer provider
 * (call `useInMemoryTracing()` before `useTestGateway`: gateways read whether tracing is on when they
 * are created), and what tests ask of the spans it collected.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { installTracing, uninstallTracing } from '../../src/observability/tracing.js';

export interface InMemoryTracing {
  exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  /** The spans of one trace. */
  trace(traceId: string): ReadableSpan[];
  reset(): void;
}

export function useInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => installTracing(provider));
  afterAll(async () => {
    uninstallTracing();
    await provider.shutdown();
  });
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    trace: (traceId) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId),
    reset: () => exporter.reset(),
  };
}

/** A span's parent span id, or undefined for a root span. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/**
 * Everything an exported span says that could carry data, as text: names, attributes, events and
 * their attributes, status messages, links' attributes, resource attributes. Ids are left out (they
 * are random hex).
 */
export function spanText(spans: readonly ReadableSpan[]): string {
  return spans
    .map((span) =>
      JSON.stringify({
        name: span.name,
        attributes: span.attributes,
        events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
        status: span.status,
        links: span.links.map((l) => l.attributes),
        resource: span.resource.attributes,
      }),
    )
    .join('\n');
}

/** As the log leak tests do: no secret (nor its 16-character prefix), and no unmasked account number. */
export function expectNoSecretsInSpans(spans: readonly ReadableSpan[], secrets: readonly string[]): void {
  const text = spanText(spans);
  for (const secret of secrets) {
    if (secret.length < 6) throw new Error('refusing to scan for a secret shorter than 6 characters: too many false hits');
    expect(text.includes(secret), `a secret of length ${secret.length} is in a span`).toBe(false);
    if (secret.length >= 24) expect(text.includes(secret.slice(0, 16)), `a prefix of a secret of length ${secret.length} is in a span`).toBe(false);
  }
  // A CBU/CVU (22 digits) or CUIT (11) would show as a run of 9 or more digits. Request ids the gateway
  // made are random UUIDs, whose last group holds such a run about one time in twenty: they are left out.
  const scanned = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  expect(scanned.match(/\d{9,}/g) ?? [], 'an unmasked account number is in a span').toEqual([]);
}
