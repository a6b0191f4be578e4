/**
 * Case 10: what tracing costs. The gateway CPU per operation of case 2's balance query (closed loop,
 * 32 connections) in four gateways of the same build, each its own process, loaded in turn over
 * interleaved rounds:
 *
 * - baseline: the tracing module not loaded at all (bench/servers/untraced.ts swaps it for a stand-in
 *   that imports nothing; only the call sites remain) — the code path before tracing existed;
 * - off: no OTEL_* variable (what every deployment runs unless it asks for traces);
 * - on, 10% sampled: OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG 0.1, exporting over OTLP/HTTP
 *   (protobuf, the default) to a receiver in this process;
 * - on, 100% sampled: the same with every operation recorded (for information).
 *
 * Every gateway is loaded for a few seconds first (fresh processes: V8 must have optimized them). Then
 * each round loads the four at the same time, at the same fixed rate, one load generator each: whatever
 * else runs on this shared machine during a round weighs on all four alike, which loading them in turn
 * (case 2's way) cannot promise when the goal is a 1% difference and other sessions swing a server's
 * CPU per operation by ±30% from one minute to the next. Goals: off ≤ 1% over the baseline, 10%
 * sampling ≤ 10% over it; each the median of the rounds' ratios.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { agent, clearLog, graphqlOk, json } from '../lib/http.js';
import { BALANCE_QUERY, QUICK, ROUND_SECONDS, ROUND_WARMUP, details, goals, gqlSpec, median, pooled, row, type Sample } from '../lib/harness.js';
import { runLoad } from '../lib/run-load.js';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  SpanKind,
  injectTrace,
  installTracing,
  recording,
  startOperation,
  startSpan,
  startTraced,
  traceIdOf,
  uninstallTracing,
} from '../../src/observability/tracing.js';
import { startGateway, type Server, type Urls } from '../lib/servers.js';

/** More rounds than case 2: the goal is a 1% difference on a machine others are loading. */
const ROUNDS_10 = QUICK ? 1 : 12;
/** Seconds measured per round (after ROUND_WARMUP): at 200 rps, 6 s is 1,200 operations, so the 10 ms CPU tick is under 1%. */
const ROUND_MEASURED = QUICK ? ROUND_SECONDS : 6;
/** Connections per gateway in a round (all four are loaded at once: 32 in all, as in case 2). */
const CONNECTIONS_EACH = 8;
/**
 * Each gateway's fixed rate in a round (open loop): CPU per operation compares variants fairly only at
 * the same rate (a server that gets more of the CPU batches more work per event-loop turn and costs
 * less per operation), and 4 × 200 rps leaves every variant room on this machine even while shared.
 */
const RATE_EACH = QUICK ? 100 : 200;
/** Seconds of load on each fresh gateway before any round, so every one is measured JIT-warm. */
const WARM_SECONDS = QUICK ? 0 : 5;

/** An OTLP/HTTP receiver that accepts and counts what arrives (a collector's cost is not ours). */
async function otlpReceiver(): Promise<{ url: string; requests: () => number; bytes: () => number; close(): Promise<void> }> {
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Whether a gateway passes a client's traceparent on: the baseline's stand-in must not (it is not the real module). */
async function passesTraceparentOn(server: Server, urls: Urls): Promise<boolean> {
  await clearLog(urls.telepagos);
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const response = await request(server.url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}`, traceparent },
    body: JSON.stringify({ query: BALANCE_QUERY }),
  });
  await response.body.text();
  const log = await json<{ requests: { headers: Record<string, string> }[] }>(`${urls.telepagos}/_sandbox/requests?route=GET%20/v2/account/balance`);
  return log.body.requests.some((r) => r.headers.traceparent?.includes('0af7651916cd43dd8448eb211c80319c'));
}

/**
 * The tracing calls one balance query makes on the hot path, alone, in this process: the operation's
 * span (or its absence), the provider call's two checks, the traceparent header and the trace id of
 * the call's metric event; the end-to-end rounds cannot resolve a fraction of a microsecond on a
 * shared machine, this can. Returns CPU µs per operation, off and unsampled.
 */
function hotPathAlone(): { off: number; unsampled: number; sampled: number } {
  const headers: Record<string, unknown> = { host: '127.0.0.1', authorization: 'Bearer key', 'content-type': 'application/json' };
  const operations = QUICK ? 20_000 : 500_000;
  const measure = () => {
    let sink = 0;
    const start = process.cpuUsage();
    for (let i = 0; i < operations; i++) {
      const trace = startOperation(headers, 'request-id', 'http');
      const context = trace?.context;
      if (recording(context) || recording(context)) sink++;
      const upstream: Record<string, string> = { accept: 'application/json' };
      if (context) injectTrace(upstream, context, undefined);
      sink += traceIdOf(context)?.length ?? 0;
      trace?.span?.end();
    }
    const used = process.cpuUsage(start);
    if (sink < 0) throw new Error('unreachable');
    return (used.user + used.system) / operations;
  };
  measure(); // warm-up
  const off = measure();
  const provider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }),
    spanProcessors: [new BatchSpanProcessor(new InMemorySpanExporter())],
  });
  installTracing(provider);
  let unsampled: number;
  try {
    measure();
    unsampled = measure();
  } finally {
    uninstallTracing();
    void provider.shutdown();
  }
  return { off, unsampled, sampled: sampledAlone() };
}

/**
 * One sampled balance query's spans alone, as the gateway makes them (operation, execute, root field,
 * provider call, attempt, with their attributes and the attempt's traceparent), through the batch
 * processor and serialized to OTLP protobuf as the exporter does (not sent). CPU µs per operation.
 */
function sampledAlone(): number {
  const serialize: SpanExporter = {
    export(spans, done) {
      ProtobufTraceSerializer.serializeRequest(spans);
      done({ code: 0 });
    },
    async shutdown() {},
  };
  const processor = new BatchSpanProcessor(serialize, { maxQueueSize: 1_000_000, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 });
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [processor] });
  const headers: Record<string, unknown> = { host: '127.0.0.1' };
  const operations = QUICK ? 2_000 : 20_000;
  installTracing(provider);
  try {
    const measure = () => {
      const start = process.cpuUsage();
      for (let i = 0; i < operations; i++) {
        const op = startOperation(headers, 'request-id', 'http')!;
        const execute = startSpan('graphql.execute', op.context)!;
        const field = startSpan('graphql.resolve Query.account', op.context, {
          'graphql.field.name': 'account',
          'graphql.field.path': 'account',
          'graphql.field.type': 'Account',
        })!;
        const call = startTraced('TELEPAGOS GET v2/account/balance', op.context, {
          'pasarela.provider': 'TELEPAGOS',
          'pasarela.provider.endpoint': 'GET v2/account/balance',
          'pasarela.retry.mode': 'safe',
        })!;
        const attempt = startSpan(
          'GET v2/account/balance',
          call.context,
          {
            'http.request.method': 'GET',
            'url.template': 'v2/account/balance',
            'server.address': '127.0.0.1',
            'server.port': 4101,
            'pasarela.provider': 'TELEPAGOS',
            'pasarela.provider.endpoint': 'GET v2/account/balance',
            'pasarela.attempt': 1,
            'pasarela.breaker.state': 'closed',
          },
          SpanKind.CLIENT,
        )!;
        injectTrace({}, call.context, attempt);
        attempt.setAttributes({ 'http.response.body.size': 40, 'pasarela.outcome': 'success', 'http.response.status_code': 200 });
        attempt.end();
        call.span!.setAttributes({ 'pasarela.attempts': 1, 'http.response.status_code': 200 });
        call.span!.end();
        field.end();
        execute.end();
        op.span!.updateName('query');
        op.span!.setAttributes({ 'graphql.operation.type': 'query', 'pasarela.client': 'bench', 'pasarela.outcome': 'success' });
        op.span!.end();
      }
      // The batches still queued are serialized here, inside the measurement.
      void processor.forceFlush();
      const used = process.cpuUsage(start);
      return (used.user + used.system) / operations;
    };
    measure();
    return measure();
  } finally {
    uninstallTracing();
    void provider.shutdown();
  }
}

/** Loads every server at once (one load generator each) and measures each one's CPU over the same seconds. */
async function loadAll(servers: Server[], duration: number, warmup: number, rate?: number): Promise<Sample[]> {
  const results = await Promise.all(
    servers.map((server) => runLoad(gqlSpec(server, BALANCE_QUERY, { connections: CONNECTIONS_EACH, duration, warmup, rate }), server.proc)),
  );
  // Upstream calls are not counted here (four servers share the sandboxes' log); case 2 counts them.
  return results.map((result) => ({ ...result, upstream: 0 }));
}

export async function case10(urls: Urls, _gateway: Server): Promise<void> {
  console.log(
    `\n10. Tracing: CPU per operation off, sampled 10% and 100%, against the build without it (${ROUNDS_10} rounds, the four at ${RATE_EACH} rps each at once)`,
  );
  const inherited = Object.keys(process.env).filter((key) => key.startsWith('OTEL_'));
  if (inherited.length > 0) throw new Error(`case 10 needs a clean environment: unset ${inherited.join(', ')}`);
  const otlp = await otlpReceiver();
  const sampled = (ratio: string) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: ratio,
  });
  const variants = [
    { name: 'tracing module not loaded (baseline)', start: () => startGateway(urls, 'src/main.ts', ['--import', './bench/servers/untraced.ts']) },
    { name: 'tracing off (no OTEL_*)', start: () => startGateway(urls) },
    { name: 'tracing on, 10% sampled, OTLP export', start: () => startGateway(urls, 'src/main.ts', [], sampled('0.1')) },
    { name: 'tracing on, 100% sampled, OTLP export', start: () => startGateway(urls, 'src/main.ts', [], sampled('1')) },
  ];
  const servers = await Promise.all(variants.map((v) => v.start()));
  const samples: Sample[][] = variants.map(() => []);
  try {
    for (const server of servers) await graphqlOk(server.url, server.apiKey, BALANCE_QUERY);
    // The baseline really runs without the module: it alone does not pass a client's trace on.
    // (One after the other: both read the same sandbox log.)
    const passes = [await passesTraceparentOn(servers[0]!, urls), await passesTraceparentOn(servers[1]!, urls)];
    if (passes[0] || !passes[1]) throw new Error(`case 10: the baseline must not pass traceparent on and "off" must (got ${passes.join(', ')})`);
    // Fresh processes: each runs under load first, or the first rounds measure V8 warming up.
    if (WARM_SECONDS > 0) await loadAll(servers, WARM_SECONDS, 0);
    for (let round = 0; round < ROUNDS_10; round++) {
      for (const [i, result] of (await loadAll(servers, ROUND_MEASURED, ROUND_WARMUP, RATE_EACH)).entries()) samples[i]!.push(result);
    }
  } finally {
    await Promise.all(servers.map((server) => server.proc.stop()));
    await otlp.close();
  }

  const alone = hotPathAlone();
  row({
    case: '10',
    what: 'tracing calls of one operation alone, off (in-process)',
    ops: 0,
    cpuUsPerOp: alone.off,
    note: `${alone.off.toFixed(3)} µs per operation`,
  });
  row({
    case: '10',
    what: 'tracing calls of one operation alone, on but not sampled (in-process)',
    ops: 0,
    cpuUsPerOp: alone.unsampled,
    note: `${alone.unsampled.toFixed(3)} µs per operation`,
  });
  row({
    case: '10',
    what: 'one sampled operation’s spans alone, recorded and serialized (in-process)',
    ops: 0,
    cpuUsPerOp: alone.sampled,
    note: `${alone.sampled.toFixed(1)} µs per operation; at 10%: ${(alone.unsampled * 0.9 + alone.sampled * 0.1).toFixed(1)} µs per operation`,
  });

  const cpuPerOp = (s: Sample) => (s.cpuUs ?? NaN) / s.ok;
  const ratios = (i: number) => samples[i]!.map((s, r) => cpuPerOp(s) / cpuPerOp(samples[0]![r]!));
  const perRound: Record<string, string[]> = {};
  for (const [i, variant] of variants.entries()) {
    perRound[variant.name] = samples[i]!.map((s) => cpuPerOp(s).toFixed(0));
    const vs =
      i === 0
        ? ''
        : `; ×${median(ratios(i)).toFixed(3)} of baseline (rounds ${ratios(i)
            .map((x) => x.toFixed(3))
            .join(', ')})`;
    row({
      case: '10',
      what: variant.name,
      ...pooled(samples[i]!),
      upstreamPerOp: undefined,
      note: `CPU µs/op by round: ${perRound[variant.name]!.join(', ')}${vs}`,
    });
  }
  const off = median(ratios(1));
  const baselineCpu = pooled(samples[0]!).cpuUsPerOp ?? NaN;
  const tenth = median(ratios(2));
  const all = median(ratios(3));
  details.case10 = {
    hotPathAlone: alone,
    perRound,
    off: ratios(1),
    sampled10: ratios(2),
    sampled100: ratios(3),
    otlpRequests: otlp.requests(),
    otlpBytes: otlp.bytes(),
  };
  const show = (i: number) =>
    ratios(i)
      .map((x) => `${((x - 1) * 100).toFixed(1)}%`)
      .join(', ');
  goals.push({
    goal: 'Case 10: tracing off costs ≤ 1% CPU per operation over the build without tracing',
    measured: `${((off - 1) * 100).toFixed(1)}% (median of rounds: ${show(1)}); the tracing calls alone cost ${alone.off.toFixed(2)} µs per operation off (${((alone.off / baselineCpu) * 100).toFixed(2)}% of the baseline's ${baselineCpu.toFixed(0)} µs)`,
    met: off <= 1.01,
  });
  goals.push({
    goal: 'Case 10: tracing on, 10% sampled, costs ≤ 10% CPU per operation over the build without tracing',
    measured: `${((tenth - 1) * 100).toFixed(1)}% (median of rounds: ${show(2)}); in-process, 90% unsampled + 10% sampled cost ${(alone.unsampled * 0.9 + alone.sampled * 0.1).toFixed(1)} µs per operation (${(((alone.unsampled * 0.9 + alone.sampled * 0.1) / baselineCpu) * 100).toFixed(1)}% of the baseline's ${baselineCpu.toFixed(0)} µs); 100% sampled: ${((all - 1) * 100).toFixed(1)}% (not a goal); ${otlp.requests()} OTLP exports received`,
    met: tenth <= 1.1,
  });
}
