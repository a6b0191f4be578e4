/**
 * The OpenTelemetry SDK, set up from the standard OTEL_* variables only. Loaded (dynamically, by
 * src/main.ts) only when `tracingRequested` says the variables ask for traces, so a gateway without
 * them never even loads the SDK or an exporter.
 *
 * - Exporter: OTEL_TRACES_EXPORTER `otlp` (the default) or `console`. OTLP over HTTP, its protocol
 *   from OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: `http/protobuf` (the
 *   default) or `http/json`; `grpc` is refused (use a collector's HTTP port, 4318). Endpoint, headers,
 *   timeout and compression come from the OTEL_EXPORTER_OTLP_* variables, read by the exporter itself.
 * - Sampler: OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default `parentbased_always_on`), read by
 *   the SDK's tracer provider. Batching: OTEL_BSP_* (the batch span processor's own variables).
 * - Resource: service.name `pasarela` unless OTEL_SERVICE_NAME says otherwise, plus
 *   OTEL_RESOURCE_ATTRIBUTES.
 *
 * No context manager and no auto-instrumentation are installed: the gateway passes trace context
 * explicitly (see tracing.ts).
 */
import type { Resource } from '@opentelemetry/resources';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { installTracing, uninstallTracing } from './tracing.js';

/** OTEL_* variables that cannot be honoured (the gateway refuses to start, as for any bad setting). */
export class TracingConfigError extends Error {}

export interface RunningTracing {
  /** Exports what is buffered and stops (on shutdown). */
  shutdown(): Promise<void>;
}

/** The protocol the OTLP exporter should speak. */
function otlpProtocol(env: Record<string, string | undefined>): 'http/protobuf' | 'http/json' {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim().toLowerCase();
  if (protocol === 'http/protobuf' || protocol === 'http/json') return protocol;
  throw new TracingConfigError(
    `OTEL_EXPORTER_OTLP_PROTOCOL "${protocol}" is not supported: use http/protobuf or http/json (a collector's OTLP/HTTP port, usually 4318)`,
  );
}

async function exporterFrom(env: Record<string, string | undefined>): Promise<SpanExporter> {
  const name = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',')[0]!.trim().toLowerCase() || 'otlp';
  if (name === 'console') return new ConsoleSpanExporter();
  if (name !== 'otlp') throw new TracingConfigError(`OTEL_TRACES_EXPORTER "${name}" is not supported: use otlp, console or none`);
  if (otlpProtocol(env) === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}

function resource(): Resource {
  // Later merges win: our default name, then what OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES say.
  return defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'pasarela' }))
    .merge(detectResources({ detectors: [envDetector] }));
}

/**
 * Installs the SDK's tracer provider as the OTEL_* variables of this process describe it (the caller
 * checked `tracingRequested`; the SDK and the exporter read process.env themselves). Throws
 * TracingConfigError for a setting it cannot honour.
 */
export async function startTracing(): Promise<RunningTracing> {
  const exporter = await exporterFrom(process.env);
  const provider = new BasicTracerProvider({ resource: resource(), spanProcessors: [new BatchSpanProcessor(exporter)] });
  installTracing(provider);
  return {
    async shutdown() {
      uninstallTracing();
      await provider.shutdown();
    },
  };
}
