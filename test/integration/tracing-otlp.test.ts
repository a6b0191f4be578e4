/**
 * Tracing configured the way an operator does it, by OTEL_* variables only (`startTracing`, what
 * `npm start` calls when they are set), exporting over OTLP/HTTP to a receiver started here (a plain
 * node:http server): with OTEL_EXPORTER_OTLP_PROTOCOL=http/json what arrives is decoded and checked
 * span by span; with the default (http/protobuf) the protobuf body is checked for the names it must
 * carry. Also: which variables turn tracing on, and a protocol the gateway cannot speak is refused.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activeTracer, tracingRequested } from '../../src/observability/tracing.js';
import { startTracing, TracingConfigError } from '../../src/observability/tracing-sdk.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An OTLP/HTTP receiver: records every POST and answers 200 with an empty export response. */
async function receiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      const json = String(request.headers['content-type']).includes('json');
      response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

const OTEL_KEYS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_SERVICE_NAME', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG'];
const saved = Object.fromEntries(OTEL_KEYS.map((key) => [key, process.env[key]]));
function setEnv(env: Record<string, string>): void {
  for (const key of OTEL_KEYS) delete process.env[key];
  Object.assign(process.env, env);
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
  for (const key of OTEL_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

/** Tracing from the environment, a gateway, one traced query; returns what the receiver got once the SDK shut down. */
async function exportOneQuery(env: Record<string, string>): Promise<{ received: Received[]; gateway: TestGateway; requestId: string }> {
  const otlp = await receiver();
  cleanup.push(() => new Promise<void>((resolve) => otlp.server.close(() => resolve())));
  setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'pasarela-otlp-test', ...env });
  expect(tracingRequested(process.env)).toBe(true);
  const tracing = await startTracing();
  let stopped = false;
  cleanup.push(async () => {
    if (!stopped) await tracing.shutdown();
  });
  const gateway = await startTestGateway();
  cleanup.push(() => gateway.close());
  const { body, headers } = await gateway.query('query Balance { account(provider: TELEPAGOS) { balance { amount } } }', undefined, {
    traceparent: '00-5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174-01',
  });
  expect(body.errors).toBeUndefined();
  // Shutting down exports what the batch processor holds.
  await tracing.shutdown();
  stopped = true;
  expect(activeTracer()).toBeUndefined();
  return { received: otlp.received, gateway, requestId: String(headers['x-request-id']) };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

describe('OTLP/HTTP export configured by OTEL_* variables', () => {
  it('http/json: the receiver decodes the operation, its phases and its provider calls, with the service name', async () => {
    const { received, requestId } = await exportOneQuery({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      expect(r.path).toBe('/v1/traces');
      expect(r.headers['content-type']).toContain('application/json');
    }
    const payloads = received.map((r) => JSON.parse(r.body.toString('utf8')));
    const resourceSpans = payloads.flatMap((p) => p.resourceSpans);
    const services = resourceSpans.map((rs: any) => rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue);
    expect(new Set(services)).toEqual(new Set(['pasarela-otlp-test']));
    const spans: OtlpSpan[] = resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
    const attr = (span: OtlpSpan, key: string) => {
      const value = span.attributes.find((a) => a.key === key)?.value;
      return value && Object.values(value)[0];
    };

    // The client's trace id (hex in OTLP/JSON) on every span.
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(['5b8efff798038103d269b633813fc60c']));
    const operation = spans.find((s) => s.name === 'query Balance')!;
    expect(operation).toBeDefined();
    expect(operation.parentSpanId).toBe('eee19b7ec3c1b174');
    expect(attr(operation, 'graphql.operation.name')).toBe('Balance');
    expect(attr(operation, 'pasarela.request_id')).toBe(requestId);
    for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
      expect(spans.find((s) => s.name === phase)?.parentSpanId, phase).toBe(operation.spanId);
    }
    const balance = spans.find((s) => s.name === 'GET v2/account/balance')!;
    expect(balance.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(attr(balance, 'pasarela.provider')).toBe('TELEPAGOS');
    expect(Number(attr(balance, 'http.response.status_code'))).toBe(200);
    expect(Number(attr(balance, 'pasarela.attempt'))).toBe(1);
  });

  it('http/protobuf (the default): the spans arrive as protobuf carrying the service and span names', async () => {
    const { received } = await exportOneQuery({});
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.headers['content-type']).toBe('application/x-protobuf');
    const bytes = Buffer.concat(received.map((r) => r.body)).toString('latin1');
    for (const text of ['pasarela-otlp-test', 'query Balance', 'GET v2/account/balance', 'graphql.execute']) expect(bytes, text).toContain(text);
  });

  it('sampling 0 (traceidratio): nothing is exported, and provider calls carry the unsampled trace on', async () => {
    const { received, gateway } = await exportOneQuery({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    expect(received).toEqual([]);
    const traceparents = gateway.sandboxes.telepagos.log.list().map((r) => r.headers.traceparent);
    expect(traceparents.length).toBeGreaterThan(0);
    for (const tp of traceparents) expect(tp).toMatch(/^00-5b8efff798038103d269b633813fc60c-[0-9a-f]{16}-00$/);
  });

  it('turns on only for an endpoint or an exporter, never when disabled; refuses grpc', async () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
    expect(tracingRequested({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
    setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    await expect(startTracing()).rejects.toThrow(TracingConfigError);
    expect(activeTracer()).toBeUndefined();
  });
});
