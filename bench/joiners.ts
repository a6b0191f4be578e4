/**
 * `npm run bench:joiners [-- <checkout>]`: the CPU a caller costs when it joins a provider read already
 * in flight — what most of a dashboard's provider calls are under load (bench case 6: about 0.45
 * upstream calls per dashboard for its 7 reads).
 *
 * In one process, against the TelePagos sandbox with latency on the routes read (so that every caller
 * of a crowd joins one flight): a crowd of CROWD callers reads the balance, then the newest 50
 * transactions of case 6's range (4 pages), ROUNDS times each; the CPU of a round (the sandbox's work
 * and the one upstream call included) is divided by the crowd. Nothing else runs in the process and no
 * load generator shares the machine, so two checkouts compare far more steadily here than in case 6's
 * saturated rounds. `<checkout>` (default: this one) is another checkout's root, to measure its code:
 * run each in turn and compare the medians.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? '.');
const from = (path: string) => import(pathToFileURL(resolve(root, path)).href);

const [{ startSandboxes }, { TelepagosClient }, { Secret }, { Cancellation }, { SANDBOX_CREDENTIALS }] = await Promise.all([
  from('src/sandbox/index.ts'),
  from('src/providers/telepagos/client.ts'),
  from('src/secret.ts'),
  from('src/cancellation.ts'),
  from('src/sandbox/credentials.ts'),
]);

const CROWD = Number(process.env.BENCH_CROWD ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
/** Long enough for a whole crowd to join, short enough for a quick run. */
const LATENCY_MS = 150;
const RANGE = { from: '2026-01-01', to: '2026-01-15' };

const sandboxes = await startSandboxes({ host: '127.0.0.1', now: new Date('2026-01-15T12:00:00Z') });
const credentials = SANDBOX_CREDENTIALS.telepagos;
const client = new TelepagosClient({
  baseUrl: sandboxes.telepagos.url,
  username: credentials.username,
  password: new Secret(credentials.password, { known: false }),
});
// The token, before anything is measured.
await client.balance();
for (const route of ['GET /v2/account/balance', 'GET /v2/account/transactions']) {
  sandboxes.telepagos.faults.add({ route, mode: 'latency', latencyMs: LATENCY_MS });
}

/** A caller as the gateway makes one: its own request id and cancellation signal. */
let requests = 0;
const context = () => ({ requestId: `joiner-${++requests}`, signal: new Cancellation() });

async function measure(what: string, read: () => Promise<unknown>): Promise<void> {
  const perCaller: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: CROWD }, read));
    const used = process.cpuUsage(before);
    perCaller.push((used.user + used.system) / CROWD);
  }
  perCaller.sort((a, b) => a - b);
  const median = perCaller[Math.floor(ROUNDS / 2)]!;
  console.log(`${what}: ${median.toFixed(1)} µs of CPU per caller (median of ${ROUNDS} crowds of ${CROWD}; least ${perCaller[0]!.toFixed(1)})`);
}

console.log(`joiners (${root})`);
await measure('balance', () => client.balance(context()));
await measure('newest 50 transactions', () => client.newestTransactions(RANGE, 50, context()));
await client.close();
await sandboxes.close();
