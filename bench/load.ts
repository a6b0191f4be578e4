/**
 * The load generator, in its own process: autocannon against one URL, with latencies taken from
 * autocannon's per-response timings (fractional milliseconds; its own histogram rounds to whole ms,
 * too coarse for sub-millisecond overheads). Prints `RESULT {json}` on stdout.
 *
 * argv[2]: JSON LoadSpec.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second over all connections (fixed rate); absent: as fast as the server answers. */
  overallRate?: number;
  /** Seconds of load before measuring (same settings), so JIT and pools are warm. */
  warmup?: number;
}

export interface LoadResult {
  /** 2xx responses. */
  ok: number;
  /** Non-2xx responses, errors and timeouts. */
  failed: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  /** First non-2xx body seen, to diagnose. */
  sample?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function run(spec: LoadSpec, record: boolean): Promise<LoadResult> {
  const latencies: number[] = [];
  let sample: string | undefined;
  const instance = autocannon({
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: record ? spec.duration : spec.warmup!,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    timeout: 30,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (record && status >= 200 && status < 300) latencies.push(responseTime);
  });
  if (record) {
    instance.on('reqError', (error: Error) => {
      sample ??= `request error: ${error.message}`;
    });
  }
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const ok = result['2xx'];
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0 && !sample) sample = `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
  return {
    ok,
    failed,
    seconds: result.duration,
    rps: ok / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    sample,
  };
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
if (spec.warmup) await run(spec, false);
// Tell the parent the measured part starts now (it reads the server's CPU time here).
console.log('MEASURE');
const result = await run(spec, true);
console.log(`RESULT ${JSON.stringify(result)}`);
