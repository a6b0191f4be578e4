/**
 * Case 6: the dashboard (`operations/dashboard.graphql`: both balances and the newest 50 TelePagos
 * transactions with their sale points, ~16 KB of JSON), the operation frontends load on every screen,
 * next to the balance read of case 2 on the same gateway in the same run.
 *
 * - Saturated (closed loop, 32 connections): dashboard and balance alternate over rounds; each round
 *   gives both rps and the gateway's CPU per operation, and the goal is the median over rounds of the
 *   ratio dashboard CPU / balance CPU (a ratio of the same minute cancels most of this shared machine's
 *   drift; CPU per operation moves far less with contention than throughput does).
 * - At a fixed rate: the dashboard at 50% of its saturation rate (latency).
 * - Peak RSS of the gateway under dashboard load, and upstream calls per dashboard.
 *
 * The gateway is the production build (`npm run build`, run with plain `node` as `npm run start:prod`
 * and a production install run it), started for this case: the goals are about what is deployed, and a
 * gateway under tsx holds tsx's loader thread and transform cache besides (about 45 MB of RSS).
 *
 * `BENCH_DASHBOARD_BEFORE=<another checkout's dist/main.js or src/main.ts>[,<another>…]` (local
 * comparisons only, never in CI) starts a gateway from each of those checkouts and adds it to every
 * round, so old and new code are measured in the same minutes; bench/README.md records such
 * comparisons. Compare builds with builds: a `.js` file runs with plain `node`. (For a `.ts` file, tsx
 * applies this checkout's tsconfig only to its own files: point `TSX_TSCONFIG_PATH` at a copy whose
 * `include` lists the other checkouts too.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadSpec } from '../load.js';
import { graphqlOk } from '../lib/http.js';
import { ROOT } from '../lib/proc.js';
import {
  BALANCE_QUERY,
  DURATION,
  ROUNDS,
  ROUND_SECONDS,
  ROUND_WARMUP,
  WARMUP,
  details,
  f,
  goals,
  gqlSpec,
  median,
  pooled,
  row,
  sample,
  type Sample,
} from '../lib/harness.js';
import { productionBuild, startGateway, type Server, type Urls } from '../lib/servers.js';

/** The same date range as case 3's dashboard: the seeded history has more than 50 rows in it. */
const VARIABLES = { from: '2026-01-01', to: '2026-01-15' };
/** Goals of issue 21. */
const MAX_CPU_RATIO = 5;
const MAX_RSS_MB = 300;

function dashboardSpec(server: Server, query: string, extra: Partial<LoadSpec>): LoadSpec {
  return { ...gqlSpec(server, query, extra), body: JSON.stringify({ query, variables: VARIABLES }) };
}

/** One dashboard answer, checked: no errors and 50 transactions (a benchmark of failing operations measures nothing). */
async function checkDashboard(server: Server, query: string): Promise<number> {
  const data = await graphqlOk(server.url, server.apiKey, query, VARIABLES);
  const nodes = (data.telepagos as { transactions: { nodes: unknown[] } }).transactions.nodes;
  if (nodes.length !== 50) throw new Error(`dashboard answered ${nodes.length} transactions, expected 50`);
  return Buffer.byteLength(JSON.stringify({ data }));
}

export async function case6(urls: Urls): Promise<void> {
  console.log(`\n6. The dashboard vs the balance read (same gateway, the production build, ${ROUNDS} interleaved rounds)`);
  const query = readFileSync(join(ROOT, 'operations', 'dashboard.graphql'), 'utf8');
  const beforeFiles = (process.env.BENCH_DASHBOARD_BEFORE ?? '').split(',').filter(Boolean);
  const befores: Server[] = [];
  const gateway = await startGateway(urls, productionBuild());
  try {
    for (const file of beforeFiles) befores.push(await startGateway(urls, file));
    const bytes = await checkDashboard(gateway, query);
    await graphqlOk(gateway.url, gateway.apiKey, BALANCE_QUERY);
    for (const before of befores) await checkDashboard(before, query);
    // Warm the row path (V8 optimizes it only after some thousands of rows).
    for (const server of [gateway, ...befores]) await sample(urls, dashboardSpec(server, query, { warmup: 0, duration: WARMUP * 2 }), server.proc);

    const dash: Sample[] = [];
    const balance: Sample[] = [];
    const olds: Sample[][] = befores.map(() => []);
    const round = { duration: ROUND_SECONDS, warmup: ROUND_WARMUP };
    for (let r = 0; r < ROUNDS; r++) {
      dash.push(await sample(urls, dashboardSpec(gateway, query, round), gateway.proc));
      balance.push(await sample(urls, gqlSpec(gateway, BALANCE_QUERY, round), gateway.proc));
      for (const [i, before] of befores.entries()) olds[i]!.push(await sample(urls, dashboardSpec(before, query, round), before.proc));
    }
    const d = pooled(dash);
    const b = pooled(balance);
    const cpuRatios = dash.map((s, i) => s.cpuUs! / s.ok / (balance[i]!.cpuUs! / balance[i]!.ok));
    const cpuRatio = median(cpuRatios);
    const show = (values: number[], digits = 0) => values.map((v) => f(v, digits)).join(', ');
    row({
      case: '6',
      what: 'dashboard, saturated (32 conns)',
      ...d,
      minUpstreamPerOp: undefined,
      note: `${f(bytes / 1024, 1)} KB answer; rps by round: ${show(dash.map((s) => s.rps))}; CPU µs/op by round: ${show(dash.map((s) => s.cpuUs! / s.ok))}`,
    });
    row({
      case: '6',
      what: 'balance read, saturated (32 conns)',
      ...b,
      note: `rps by round: ${show(balance.map((s) => s.rps))}; CPU µs/op by round: ${show(balance.map((s) => s.cpuUs! / s.ok))}`,
    });
    row({
      case: '6',
      what: 'dashboard / balance CPU per op',
      ops: d.ops,
      note: `${cpuRatio.toFixed(2)}× (median of rounds: ${cpuRatios.map((x) => `${x.toFixed(2)}×`).join(', ')})`,
    });
    const vsBefore: Record<string, number> = {};
    for (const [b, old] of olds.entries()) {
      const o = pooled(old);
      const ratios = dash.map((s, i) => s.rps / old[i]!.rps);
      const cpuRatios = dash.map((s, i) => old[i]!.cpuUs! / old[i]!.ok / (s.cpuUs! / s.ok));
      vsBefore[beforeFiles[b]!] = median(ratios);
      row({
        case: '6',
        what: `dashboard, saturated, ${beforeFiles[b]}`,
        ...o,
        note: `local comparison; rps by round: ${show(old.map((s) => s.rps))}; this checkout ${median(ratios).toFixed(2)}× its rps (rounds: ${show(ratios, 2)}), ${median(cpuRatios).toFixed(2)}× less CPU per op (rounds: ${show(cpuRatios, 2)})`,
      });
    }

    // Latency at a fixed rate: half the dashboard's saturation rate.
    const rate = Math.max(20, Math.round(d.rps / 2));
    const paced = pooled([await sample(urls, dashboardSpec(gateway, query, { rate, duration: DURATION, warmup: ROUND_WARMUP }), gateway.proc)]);
    row({ case: '6', what: `dashboard at ${rate} rps (50% of saturation)`, ...paced });
    await checkDashboard(gateway, query);

    const peak = Math.max(d.peakRssMb, paced.peakRssMb);
    details.case6 = { bytes, dashboard: d, balance: b, paced, cpuRatios, cpuRatio, ...(befores.length ? { vsBefore } : {}) };
    goals.push({
      goal: `Case 6: dashboard gateway CPU per op ≤ ${MAX_CPU_RATIO}× a balance read's`,
      measured: `${cpuRatio.toFixed(2)}× (median of rounds: ${cpuRatios.map((x) => `${x.toFixed(2)}×`).join(', ')}; ${f(d.cpuUsPerOp)} vs ${f(b.cpuUsPerOp)} µs)`,
      met: cpuRatio <= MAX_CPU_RATIO,
    });
    goals.push({
      goal: `Case 6: gateway peak RSS under dashboard load ≤ ${MAX_RSS_MB} MB`,
      measured: `${f(peak)} MB`,
      met: peak <= MAX_RSS_MB,
    });
  } finally {
    await Promise.all([gateway, ...befores].map((server) => server.proc.stop()));
  }
}
