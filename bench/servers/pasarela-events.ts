/**
 * Case 11's gateway: the real gateway (createGateway, same config, CLIENTS_FILE with its webhook
 * endpoints, memory state with EVENT_RETENTION_HOURS / EVENT_LOG_MAX_LENGTH as `src/main.ts` builds it)
 * plus a control port (BENCH_CONTROL_PORT) that publishes events through `gateway.events.publish`, the
 * call every provider notification ends in, at a fixed rate. Each event's id carries the wall-clock
 * time it was handed to `publish` (`performance.timeOrigin + performance.now()`, fractional ms), so a
 * subscriber or webhook receiver in another process measures publish-to-delivery from the id alone.
 * `GET /heap` answers the heap used after a full collection (the process needs --expose-gc).
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ClientRegistry } from '../../src/auth/clients.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createGateway } from '../../src/server.js';
import { memoryState } from '../../src/state/index.js';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const clients = config.clientsFile
  ? await ClientRegistry.fromFile(config.clientsFile, { production: config.production, allowHttpWebhooks: config.webhookDelivery.allowHttp })
  : undefined;
const gateway = await createGateway({ config, logger, clients, clientsFile: config.clientsFile, state: memoryState(config.eventLog) });
await gateway.app.listen({ port: config.port, host: config.host });

const wallMs = () => performance.timeOrigin + performance.now();
/** Publishes `count` events evenly spaced at `rate` per second (timers fire at most every ms: the few due in one ms leave together). */
async function publishAt(prefix: string, count: number, rate: number): Promise<{ published: number; ms: number; publishUs: number }> {
  const start = wallMs();
  let sent = 0;
  let inPublish = 0;
  await new Promise<void>((resolve, reject) => {
    const tick = () => {
      const due = Math.min(count, Math.floor(((wallMs() - start) * rate) / 1000) + 1);
      const batch: Promise<unknown>[] = [];
      while (sent < due) {
        const t = wallMs();
        const occurredAt = new Date(t).toISOString();
        batch.push(gateway.events.publish({ id: `${prefix}_${sent}_${t.toFixed(3)}`, provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED', occurredAt }));
        inPublish += wallMs() - t;
        sent++;
      }
      Promise.all(batch).then(() => {
        if (sent >= count) resolve();
        else setTimeout(tick, 1);
      }, reject);
    };
    tick();
  });
  return { published: sent, ms: wallMs() - start, publishUs: (inPublish * 1000) / sent };
}

const control = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://control');
  if (request.method === 'GET' && url.pathname === '/heap') {
    // Started with --expose-gc: the heap that stays after a full collection (what the log and every
    // backlog retain), not the garbage in flight.
    (globalThis as { gc?: () => void }).gc?.();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed }));
    return;
  }
  if (request.method !== 'POST' || url.pathname !== '/publish') {
    response.writeHead(404).end();
    return;
  }
  const count = Number(url.searchParams.get('count'));
  const rate = Number(url.searchParams.get('rate'));
  publishAt(url.searchParams.get('prefix') ?? 'run', count, rate).then(
    (result) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
    (error: unknown) => response.writeHead(500).end(String(error)),
  );
});
control.listen(Number(process.env.BENCH_CONTROL_PORT), '127.0.0.1', () => {
  console.log(`Pasarela gateway: http://${config.host}:${config.port}/graphql (events published on :${process.env.BENCH_CONTROL_PORT})`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void gateway.close().then(() => process.exit(0)));
}
