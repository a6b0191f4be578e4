/**
 * Stand-in for src/observability/tracing.ts in benchmark case 10's baseline (bench/servers/untraced.ts):
 * the same exports, tracing permanently off, no @opentelemetry import, and no reading of a client's
 * traceparent (so the benchmark can tell this stand-in is the one loaded: nothing is passed upstream).
 */
import type * as Real from '../../src/observability/tracing.js';

export const TRACER_NAME = 'pasarela';
// The API's enum values, without loading the API.
export const SpanKind = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 } as unknown as typeof Real.SpanKind;
export const SpanStatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as unknown as typeof Real.SpanStatusCode;

export const activeTracer: typeof Real.activeTracer = () => undefined;
export const installTracing: typeof Real.installTracing = () => {
  throw new Error('tracing is absent from this build (benchmark baseline)');
};
export const uninstallTracing: typeof Real.uninstallTracing = () => undefined;
export const tracingRequested: typeof Real.tracingRequested = () => false;
export const remoteTrace: typeof Real.remoteTrace = () => undefined;
export const traceIdOf: typeof Real.traceIdOf = () => undefined;
export const recording: typeof Real.recording = () => false;
export const startSpan: typeof Real.startSpan = () => undefined;
export const startTraced: typeof Real.startTraced = () => undefined;
export const startIncoming: typeof Real.startIncoming = () => undefined;
export const startOperation: typeof Real.startOperation = () => undefined;
export const endFailed: typeof Real.endFailed = () => undefined;
export const injectTrace: typeof Real.injectTrace = () => undefined;
