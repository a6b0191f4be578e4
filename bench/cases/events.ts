/**
 * Case 11: the event pipeline under fan-out (issue 28). The gateway (bench/servers/pasarela-events.ts,
 * its own process) publishes events through `gateway.events.publish` at a fixed rate, each stamped with
 * its publish time; `paymentEvents` subscribers (graphql-ws, one connection each) and five webhook
 * endpoints (four answering 200, one answering 503 for the whole run) in the benchmark process record
 * when each event arrives. Reported: publish-to-delivery p50/p99 for subscriptions and for webhooks,
 * events/s, and the gateway's peak RSS growth over idle while the down endpoint's backlog grows.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { json } from '../lib/http.js';
import { details, goals, QUICK, row } from '../lib/harness.js';
import { cpuMicros, freePort, peakRssMb, resetPeakRss, rssMb } from '../lib/proc.js';
import { API_KEY, startGateway, type Urls } from '../lib/servers.js';

const EVENTS = QUICK ? 300 : 10_000;
const SUBSCRIBERS = QUICK ? 10 : 100;
const ENDPOINTS_UP = 4;
/** Events published per second: 100 subscribers × 200 events/s is 20,000 WebSocket messages a second, received by this one process on 2 shared cores (at 500/s it fell 1,000 events behind and the gateway ended the subscriptions as too slow). */
const RATE = QUICK ? 300 : 200;
/** How long delivery may take after the last publish before the case gives up waiting (it then reports what arrived). */
const DRAIN_MS = QUICK ? 10_000 : 120_000;
/**
 * The memory budget per logged event: an entry of the in-memory log is the event object (id ~30 chars,
 * provider, type, occurredAt), its cursor (~44 chars), its position and a Map slot, about 0.5 KB; 1 KB
 * allows for V8's object overhead. Plus a fixed 64 MB for what fan-out costs whatever the backlog (V8's
 * young generation, the sockets' buffers, undici's pool, JIT code).
 */
const LOG_BYTES_PER_EVENT = 1024;
const FIXED_MB = 64;

const wallMs = () => performance.timeOrigin + performance.now();
/** The publish time the gateway wrote into the id: `bench<run>_<n>_<ms>`. */
const publishedAt = (id: string) => Number(id.slice(id.lastIndexOf('_') + 1));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Receiver {
  server: HttpServer;
  url: string;
  arrivals: number[];
  ids: Set<string>;
  attempts: number;
  /** Wall time of the last accepted delivery. */
  lastAt: number;
}

async function receiver(status: number): Promise<Receiver> {
  const port = await freePort();
  const r: Receiver = { server: createServer(), url: `http://127.0.0.1:${port}/hook`, arrivals: [], ids: new Set(), attempts: 0, lastAt: 0 };
  r.server.on('request', (request, response) => {
    const at = wallMs();
    request.resume();
    request.on('end', () => {
      r.attempts++;
      const id = String(request.headers['webhook-id']);
      if (status < 300 && !r.ids.has(id)) {
        r.ids.add(id);
        r.arrivals.push(at - publishedAt(id));
        r.lastAt = at;
      }
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => r.server.listen(port, '127.0.0.1', resolve));
  return r;
}

export async function case11(urls: Urls): Promise<void> {
  console.log(`\n11. Events: ${EVENTS} published at ${RATE}/s to ${SUBSCRIBERS} subscribers and ${ENDPOINTS_UP + 1} webhook endpoints (1 down)`);
  const up = await Promise.all(Array.from({ length: ENDPOINTS_UP }, () => receiver(200)));
  const down = await receiver(503);
  const receivers = [...up, down];
  const clientsFile = join(tmpdir(), `pasarela-bench-events-clients-${process.pid}.json`);
  writeFileSync(
    clientsFile,
    JSON.stringify([
      {
        name: 'bench',
        keySha256: createHash('sha256').update(API_KEY).digest('hex'),
        scopes: ['read'],
        rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
        webhooks: receivers.map((r) => ({ url: r.url, secret: `whsec_${randomBytes(32).toString('base64')}` })),
      },
    ]),
  );
  const controlPort = await freePort();
  const gateway = await startGateway(urls, 'bench/servers/pasarela-events.ts', ['--expose-gc'], {
    CLIENTS_FILE: clientsFile,
    BENCH_CONTROL_PORT: String(controlPort),
    WEBHOOK_ALLOW_HTTP: 'true',
    // The down endpoint is retried often (every 100 ms at first, doubling): it keeps trying through the run.
    WEBHOOK_RETRY_BASE_MS: '100',
  });
  const clients: Client[] = [];
  const subscriberArrivals: number[] = [];
  const received = new Array<number>(SUBSCRIBERS).fill(0);
  const errors: string[] = [];
  const heap = async () => (await json<{ heapUsed: number }>(`http://127.0.0.1:${controlPort}/heap`)).body.heapUsed;
  const publish = (prefix: string, count: number, rate: number) =>
    json<{ published: number; ms: number; publishUs: number }>(`http://127.0.0.1:${controlPort}/publish?prefix=${prefix}&count=${count}&rate=${rate}`, {
      method: 'POST',
    });
  try {
    const wsUrl = gateway.url.replace(/^http/, 'ws');
    const ready = Array.from({ length: SUBSCRIBERS }, (_, i) => {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${API_KEY}` },
        lazy: false,
        retryAttempts: 0,
      });
      clients.push(client);
      return new Promise<void>((resolve) => {
        client.subscribe<{ paymentEvents: { id: string; cursor: string } }>(
          { query: 'subscription { paymentEvents { id cursor } }' },
          {
            next: (message) => {
              const at = wallMs();
              const id = message.data?.paymentEvents.id;
              if (!id) return void errors.push(JSON.stringify(message.errors));
              // Warm-up events (`warm<k>_…`) only say the subscription is live.
              if (!id.startsWith('run_')) return resolve();
              received[i]!++;
              subscriberArrivals.push(at - publishedAt(id));
            },
            error: (error) => void errors.push(error instanceof Error ? error.message : JSON.stringify(error)),
            complete: () => undefined,
          },
        );
      });
    });
    // Warm-up: one event every 50 ms until every subscriber has received one (each is then subscribed),
    // and every up endpoint one (its worker has started).
    let allReady = false;
    void Promise.all(ready).then(() => (allReady = true));
    const warmUntil = Date.now() + 30_000;
    for (let k = 0; !(allReady && up.every((r) => r.attempts > 0)); k++) {
      if (Date.now() > warmUntil) throw new Error(`case 11: subscribers or endpoints not live after 30 s (${errors.slice(0, 3).join('; ')})`);
      await publish(`warm${k}`, 1, 1000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const warmed = up.map((r) => r.arrivals.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const heap0 = await heap();
    const idleMb = rssMb(gateway.proc.pid);
    resetPeakRss(gateway.proc.pid);
    const cpu0 = cpuMicros(gateway.proc.pid);
    const downBefore = down.attempts;

    const runStart = wallMs();
    const { body: published } = await publish('run', EVENTS, RATE);
    const publishedMb = peakRssMb(gateway.proc.pid);
    const drainUntil = Date.now() + DRAIN_MS;
    const delivered = () => received.every((n) => n >= EVENTS) && up.every((r, i) => r.arrivals.length - warmed[i]! >= EVENTS);
    while (!delivered() && Date.now() < drainUntil && errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const cpuUs = cpuMicros(gateway.proc.pid) - cpu0;
    const peakMb = peakRssMb(gateway.proc.pid);
    const endMb = rssMb(gateway.proc.pid);
    // Retained after a full collection, with the down endpoint's whole backlog still waiting: the log's
    // entries, and whatever else the backlog keeps.
    const retainedPerEvent = ((await heap()) - heap0) / EVENTS;
    const hookArrivals = up.flatMap((r, i) => r.arrivals.slice(warmed[i]!));
    const subscriberTotal = received.reduce((a, b) => a + b, 0);
    if (errors.length > 0) throw new Error(`case 11: a subscription failed: ${errors.slice(0, 3).join('; ')}`);
    if (subscriberTotal < EVENTS * SUBSCRIBERS || hookArrivals.length < EVENTS * ENDPOINTS_UP) {
      throw new Error(
        `case 11: not everything arrived within ${DRAIN_MS} ms: subscribers ${subscriberTotal} of ${EVENTS * SUBSCRIBERS}, webhooks ${hookArrivals.length} of ${EVENTS * ENDPOINTS_UP}`,
      );
    }
    const eventsPerS = (EVENTS * 1000) / published.ms;
    const growthMb = peakMb - idleMb;
    const boundMb = (EVENTS * LOG_BYTES_PER_EVENT) / 2 ** 20 + FIXED_MB;
    const downAttempts = down.attempts - downBefore;
    // Each endpoint is delivered one event at a time: its rate is what it sustained from the first publish to its last arrival.
    const hookRates = up.map((r) => (EVENTS * 1000) / (r.lastAt - runStart));
    row({
      case: '11',
      what: `paymentEvents: ${EVENTS} events → ${SUBSCRIBERS} subscribers`,
      ops: subscriberTotal,
      rps: eventsPerS,
      p50: percentile(subscriberArrivals, 50),
      p99: percentile(subscriberArrivals, 99),
      cpuUsPerOp: cpuUs / EVENTS,
      peakRssMb: peakMb,
      note: `publish-to-arrival; rps = events/s published (asked ${RATE}/s); gw CPU per event, all deliveries included`,
    });
    row({
      case: '11',
      what: `webhooks: ${EVENTS} events → ${ENDPOINTS_UP} endpoints up, 1 down (503)`,
      ops: hookArrivals.length,
      p50: percentile(hookArrivals, 50),
      p99: percentile(hookArrivals, 99),
      peakRssMb: peakMb,
      note: `publish-to-arrival; each endpoint ${Math.min(...hookRates).toFixed(0)}–${Math.max(...hookRates).toFixed(0)} events/s (one at a time); down endpoint: ${downAttempts} attempts in the run (${down.attempts} in all), none accepted; heap retained ${retainedPerEvent.toFixed(0)} B/event after GC; RSS idle ${idleMb.toFixed(0)} MB, +${growthMb.toFixed(0)} MB peak (+${(publishedMb - idleMb).toFixed(0)} by the last publish), ${endMb.toFixed(0)} MB at the end`,
    });
    details.case11 = {
      events: EVENTS,
      subscribers: SUBSCRIBERS,
      endpoints: { up: ENDPOINTS_UP, down: 1 },
      rate: RATE,
      published,
      subscriptions: { p50: percentile(subscriberArrivals, 50), p99: percentile(subscriberArrivals, 99), max: percentile(subscriberArrivals, 100) },
      webhooks: {
        p50: percentile(hookArrivals, 50),
        p99: percentile(hookArrivals, 99),
        max: percentile(hookArrivals, 100),
        perEndpointEventsPerS: hookRates,
        downAttempts,
        downAttemptsInAll: down.attempts,
      },
      gatewayCpuUsPerEvent: cpuUs / EVENTS,
      retainedHeapBytesPerEvent: retainedPerEvent,
      rssMb: { idle: idleMb, peak: peakMb, atLastPublish: publishedMb, end: endMb, boundGrowth: boundMb },
    };
    goals.push({
      goal: `Case 11: heap retained per event after a full GC, the down endpoint's backlog waiting ≤ one log entry's budget (${LOG_BYTES_PER_EVENT} B)`,
      measured: `${retainedPerEvent.toFixed(0)} B per event (${((retainedPerEvent * EVENTS) / 2 ** 20).toFixed(1)} MB for ${EVENTS})`,
      met: retainedPerEvent <= LOG_BYTES_PER_EVENT,
    });
    goals.push({
      goal: `Case 11: gateway peak RSS growth with a webhook receiver down ≤ the log's cost (${EVENTS} events × ${LOG_BYTES_PER_EVENT} B) + ${FIXED_MB} MB = ${boundMb.toFixed(0)} MB`,
      measured: `+${growthMb.toFixed(1)} MB (idle ${idleMb.toFixed(0)}, peak ${peakMb.toFixed(0)} MB); down endpoint ${downAttempts} attempts`,
      met: growthMb <= boundMb,
    });
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await gateway.proc.stop();
    await Promise.all(receivers.map((r) => new Promise((resolve) => r.server.close(resolve))));
    unlinkSync(clientsFile);
  }
}
