/**
 * What every benchmark case shares: the run's settings (--quick, --cases), the table and goals it
 * writes, and the load helpers (a sample of a server under load, with what the sandboxes saw). Each
 * case lives in bench/run.ts or in bench/cases/, and reports through row() and goals.
 */
import type { LoadResult, LoadSpec } from '../load.js';
import { clearFaults, clearLog, isAuthRoute, upstreamCounts } from './http.js';
import { peakRssMb, resetPeakRss, type Proc } from './proc.js';
import { runLoad } from './run-load.js';
import type { Server, Urls } from './servers.js';

export const QUICK = process.argv.includes('--quick');
/** `--cases 1,2`: run only those cases (a partial run, written to results/partial.json). */
export const casesArg = process.argv.indexOf('--cases');
export const CASES = casesArg >= 0 ? new Set(process.argv[casesArg + 1]!.split(',')) : undefined;
export const wanted = (n: string) => !CASES || CASES.has(n);
/** Seconds of measured load per case, and of warm-up before it. */
export const DURATION = QUICK ? 1 : 6;
export const WARMUP = QUICK ? 0 : 2;
/** Cases 1 and 2 alternate their variants over rounds (this machine drifts): rounds, and seconds of each. */
export const ROUNDS = QUICK ? 1 : 3;
export const ROUND_SECONDS = QUICK ? 1 : 4;
export const ROUND_WARMUP = QUICK ? 0 : 1;
export const CONNECTIONS = 32;
export const SCALE_ROWS = QUICK ? [100, 300, 1_000] : [1_000, 10_000, 100_000];
export const SCALE_DAYS = 100;
export const EXPIRY_CONCURRENCY = QUICK ? 100 : 1_000;
export const REPEATS = QUICK ? 3 : 20;

// ── The table ──────────────────────────────────────────────────────────────────────────────────────

export interface Row {
  case: string;
  what: string;
  ops: number;
  rps?: number;
  /** Latency (load cases) or wall time of one operation (cases 4 and 5), in ms. */
  p50?: number;
  p99?: number;
  cpuUsPerOp?: number;
  peakRssMb?: number;
  upstreamPerOp?: number;
  minUpstreamPerOp?: number;
  note?: string;
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean;
}

export const rows: Row[] = [];
export const goals: Goal[] = [];
export const details: Record<string, unknown> = {};

export function row(r: Row): void {
  rows.push(r);
  console.log(`  ${r.case} ${r.what}: ${fmtRow(r).join(' | ')}`);
}

export const f = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const fmtRow = (r: Row) => [
  String(r.ops),
  f(r.rps),
  f(r.p50, 2),
  f(r.p99, 2),
  f(r.cpuUsPerOp),
  f(r.peakRssMb),
  f(r.upstreamPerOp, 2),
  f(r.minUpstreamPerOp, 2),
  r.note ?? '',
];

export function printTable(): string {
  const head = ['case', 'what', 'ops', 'rps', 'p50 ms', 'p99 ms', 'gw CPU µs/op', 'gw peak RSS MB', 'upstream/op', 'min upstream/op', 'note'];
  const body = rows.map((r) => [r.case, r.what, ...fmtRow(r)]);
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((cells) => `| ${cells.join(' | ')} |`)];
  return lines.join('\n');
}

// ── Load ───────────────────────────────────────────────────────────────────────────────────────────

export const gqlSpec = (server: Server, query: string, extra: Partial<LoadSpec> = {}): LoadSpec => ({
  url: server.url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(server.apiKey ? { authorization: `Bearer ${server.apiKey}` } : {}) },
  body: JSON.stringify({ query }),
  connections: CONNECTIONS,
  duration: DURATION,
  warmup: WARMUP,
  ...extra,
});

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: ms(start) };
}

export async function clearAll(urls: Urls): Promise<void> {
  await Promise.all(Object.values(urls).map((u) => Promise.all([clearLog(u), clearFaults(u)])));
}

/** Upstream data calls (credentials apart) since the last clear, and the token/login calls. */
export async function counted(urls: Urls): Promise<{ data: number; auth: number; byRoute: Record<string, number> }> {
  const byRoute = await upstreamCounts(urls);
  let data = 0;
  let auth = 0;
  for (const [route, n] of Object.entries(byRoute)) {
    if (isAuthRoute(route)) auth += n;
    else data += n;
  }
  return { data, auth, byRoute };
}

// ── Case 1: overhead vs direct ───────────────────────────────────────────────────────────────────────

export { BALANCE_QUERY } from './queries.js';

/** One measurement of a server under load, with what the sandboxes saw meanwhile. */
export interface Sample extends LoadResult {
  cpuUs?: number;
  upstream: number;
  peakRss?: number;
}

/** Several samples of one variant, pooled: median of each round's figures, totals for per-op costs. */
export function pooled(samples: Sample[]) {
  const ok = samples.reduce((n, s) => n + s.ok, 0);
  const cpu = samples.every((s) => s.cpuUs !== undefined) ? samples.reduce((n, s) => n + s.cpuUs!, 0) : undefined;
  return {
    ops: ok,
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    cpuUsPerOp: cpu === undefined ? undefined : cpu / ok,
    upstreamPerOp: samples.reduce((n, s) => n + s.upstream, 0) / ok,
    peakRssMb: Math.max(...samples.map((s) => s.peakRss ?? NaN)),
  };
}

export async function sample(urls: Urls, spec: LoadSpec, server: Proc | undefined): Promise<Sample> {
  await clearAll(urls);
  if (server) resetPeakRss(server.pid);
  const result = await runLoad(spec, server);
  const up = await counted(urls);
  return { ...result, upstream: up.data, peakRss: server ? peakRssMb(server.pid) : undefined };
}
