/**
 * The load generator, in its own process. Prints `RESULT {json}` on stdout. argv[2]: JSON LoadSpec.
 *
 * - As fast as the server answers (closed loop, throughput): autocannon with `connections` connections,
 *   latencies from its per-response timings (fractional ms; its own histogram rounds to whole ms, too
 *   coarse for sub-millisecond overheads).
 * - At a fixed rate (`rate`, open loop, latency): requests are issued evenly spaced in time over an
 *   undici pool of `connections` connections, whether or not earlier ones have answered. autocannon's own
 *   rate option is not used for this: it sends each second's quota back to back as fast as the server
 *   answers and then idles until the next second, so "half the saturation rate" is saturated half the
 *   time and its latencies are those of a saturated server.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second, evenly spaced (open loop); absent: as fast as the server answers. */
  rate?: number;
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
  /** The load generator's own CPU per request (it shares the machine with the server under test). */
  generatorCpuUsPerOp?: number;
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
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0 && !sample) sample = `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
  return summary(latencies, result['2xx'], failed, result.duration, sample);
}

function summary(latencies: number[], ok: number, failed: number, seconds: number, sample: string | undefined): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  return {
    ok,
    failed,
    seconds,
    rps: ok / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    sample,
  };
}

/**
 * Open loop at `spec.rate` requests per second: request i is due at start + i / rate, and is issued
 * when due (timers fire at most every millisecond, so a few due requests may leave together). Latency
 * runs from the moment a request is handed to the pool (so it includes waiting for a free connection)
 * to the last byte of its response.
 */
async function runPaced(spec: LoadSpec, record: boolean): Promise<LoadResult> {
  const target = new URL(spec.url);
  const pool = new Pool(target.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const seconds = record ? spec.duration : spec.warmup!;
  const total = Math.round(seconds * spec.rate!);
  const interval = 1000 / spec.rate!;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let sample: string | undefined;
  let outstanding = 0;
  let drained: (() => void) | undefined;
  const done = () => {
    if (--outstanding === 0) drained?.();
  };
  const dispatchOptions = { path: target.pathname + target.search, method: spec.method ?? 'GET', headers: spec.headers, body: spec.body };
  // undici's callback (dispatch handler) interface, no promise or stream per request: the generator shares the cores
  // with the server under test, so it must cost as little as it can.
  const fire = () => {
    const sent = performance.now();
    let status = 0;
    let firstBytes: Buffer | undefined;
    outstanding++;
    pool.dispatch(dispatchOptions, {
      onConnect() {},
      onHeaders(statusCode) {
        status = statusCode;
        return true;
      },
      onData(chunk) {
        if (status >= 300) firstBytes ??= chunk;
        return true;
      },
      onComplete() {
        const elapsed = performance.now() - sent;
        if (status >= 200 && status < 300) {
          ok++;
          if (record) latencies.push(elapsed);
        } else {
          failed++;
          sample ??= `HTTP ${status}: ${firstBytes?.toString('utf8', 0, 300) ?? ''}`;
        }
        done();
      },
      onError(error) {
        failed++;
        sample ??= `request error: ${error.message}`;
        done();
      },
    });
  };
  const start = performance.now();
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (issued < due) {
        issued++;
        fire();
      }
      if (issued >= total) return resolve();
      setTimeout(tick, Math.max(0, start + issued * interval - performance.now()));
    };
    tick();
  });
  if (outstanding > 0) await new Promise<void>((resolve) => (drained = resolve));
  const elapsedSeconds = (performance.now() - start) / 1000;
  await pool.close();
  return summary(latencies, ok, failed, elapsedSeconds, sample);
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const measure = spec.rate ? runPaced : run;
if (spec.warmup) await measure(spec, false);
// Tell the parent the measured part starts now (it reads the server's CPU time here).
console.log('MEASURE');
const cpuBefore = process.cpuUsage();
const result = await measure(spec, true);
const cpu = process.cpuUsage(cpuBefore);
result.generatorCpuUsPerOp = (cpu.user + cpu.system) / Math.max(1, result.ok + result.failed);
console.log(`RESULT ${JSON.stringify(result)}`);
