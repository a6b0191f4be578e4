/**
 * `npm run bench:profile -- [target] [--seconds N] [--rate N] [--operation <file>] [--by-id] [--no-profile] [--node-arg=<flag>…]`: where a server spends its CPU under the case-2
 * load. Starts the sandboxes and one server with `--cpu-prof`, drives the balance query (or the operation
 * file given with `--operation`, e.g. `operations/dashboard.graphql`, with case 6's variables) at it with the
 * same load generator as the benchmark, stops it, and prints self time grouped by where the code lives
 * (our src/ folders, each npm package, Node internals, GC) and the hottest functions. `--rate N` paces
 * the load at N requests per second instead of as fast as the server answers: CPU per operation then
 * compares variants fairly (a saturated server batches more work per event-loop turn). `--by-id` sends the
 * balance query by its document id, from the bench's trusted-only app (a Pasarela target only).
 *
 * Targets: `memory` (Pasarela from memory, the default), `gateway` (Pasarela with upstream, under tsx),
 * `build` (the same from the production build, `dist/main.js`, built first: what case 6 measures),
 * `naive-memory`, `mercurius-memory`.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadSpec } from './load.js';
import { graphqlOk } from './lib/http.js';
import { ROOT, stopAll } from './lib/proc.js';
import { runLoad } from './lib/run-load.js';
import { BALANCE_DOCUMENT_ID, productionBuild, startBaseline, startGateway, startSandboxes, TRUSTED_API_KEY, type Server } from './lib/servers.js';

const args = process.argv.slice(2);
const target = args.find((a, i) => !a.startsWith('--') && !['--seconds', '--rate', '--operation'].includes(args[i - 1] ?? '')) ?? 'memory';
const secondsArg = args.indexOf('--seconds');
const seconds = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 8;
const profiled = !args.includes('--no-profile');
/** `--node-arg=--max-semi-space-size=64`: extra Node flags for the server under test. */
const nodeArgs = args.filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length));
const rateArg = args.indexOf('--rate');
const rate = rateArg >= 0 ? Number(args[rateArg + 1]) : undefined;
const operationArg = args.indexOf('--operation');
/** `--operation operations/dashboard.graphql`: an operation file to load the server with instead of the balance query. */
const operationFile = operationArg >= 0 ? args[operationArg + 1] : undefined;
/** `--by-id`: the balance query sent as `{"documentId": …}` by the trusted-only app of the bench's CLIENTS_FILE. */
const byId = args.includes('--by-id');
if (byId && operationFile) throw new Error('--by-id sends the balance query: it does not take --operation');
const QUERY = operationFile ? readFileSync(join(ROOT, operationFile), 'utf8') : '{ account(provider: TELEPAGOS) { balance { amount } } }';
/** The variables an operation file may declare: the date range of cases 3 and 6 (more than 50 TelePagos rows in it). */
const VARIABLES = operationFile ? { from: '2026-01-01', to: '2026-01-15' } : {};

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: `src/<dir>`, an npm package, a Node internal, or a V8 pseudo-frame. */
function bucket(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  const src = url.match(/\/(src|bench)\/([^/]+)/);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

function summarize(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += us;
    if (functionName === '(idle)') continue;
    busy += us;
    const b = bucket(url, functionName);
    buckets.set(b, (buckets.get(b) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(ROOT, '')}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  console.log(`\nbusy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s profiled\n\nself time by place:`);
  for (const [b, us] of [...buckets].sort((x, y) => y[1] - x[1]).slice(0, 30)) console.log(`  ${pct(us)}  ${b}`);
  console.log('\nhottest functions (self time):');
  for (const [fn, us] of [...functions].sort((x, y) => y[1] - x[1]).slice(0, 40)) console.log(`  ${pct(us)}  ${fn}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pasarela-profile-'));
  const { proc: sandboxes, urls } = await startSandboxes();
  const profiling = [...nodeArgs, ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])];
  const targets: Record<string, () => Promise<Server>> = {
    memory: () => startGateway(urls, 'bench/servers/pasarela-memory.ts', profiling),
    gateway: () => startGateway(urls, 'src/main.ts', profiling),
    build: () => startGateway(urls, productionBuild(), profiling),
    'naive-memory': () => startBaseline('bench/baselines/naive-apollo.ts', urls, true, profiling),
    'mercurius-memory': () => startBaseline('bench/baselines/mercurius-jit.ts', urls, true, profiling),
  };
  const start = targets[target];
  if (!start) throw new Error(`unknown target ${target}; one of ${Object.keys(targets).join(', ')}`);
  const server = await start();
  const { url } = server;
  await graphqlOk(url, server.apiKey, QUERY, VARIABLES);
  const apiKey = byId ? TRUSTED_API_KEY : server.apiKey;
  const spec: LoadSpec = {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(byId ? { documentId: BALANCE_DOCUMENT_ID } : { query: QUERY, variables: VARIABLES }),
    connections: 32,
    duration: seconds,
    warmup: 2,
    ...(rate ? { rate } : {}),
  };
  const result = await runLoad(spec, server.proc);
  const cpuUs = result.cpuUs!;
  console.log(
    `${target}${operationFile ? ` (${operationFile})` : ''}${byId ? ' (by id)' : ''}: ${result.rps.toFixed(0)} rps, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ` +
      `${(cpuUs / result.ok).toFixed(0)} µs CPU/op${profiled ? ' (profiler on)' : ''} (load generator ${result.generatorCpuUsPerOp?.toFixed(0)}), ${result.failed} failed`,
  );
  await server.proc.stop();
  await sandboxes.stop();
  if (!profiled) return;
  // One profile per thread (tsx's loader runs in a worker): the server's main thread has the most samples.
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  if (!file) throw new Error(`no profile written in ${dir}`);
  console.log(`profile: ${join(dir, file)}`);
  summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
}

try {
  await main();
} finally {
  await stopAll();
}
