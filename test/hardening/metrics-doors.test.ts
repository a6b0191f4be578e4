/**
 * GET /metrics for every door (issue 29): operations by door (HTTP, WebSocket, SSE, the CSV export) and
 * type, subscriptions included; the open subscriptions and WebSocket connections, back to 0 once they
 * close; CSV exports by outcome with their rows and duration; Node's standard process metrics.
 */
import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';
import { waitFor } from '../helpers/wait.js';
import { parseMetrics, type Sample } from '../helpers/metrics.js';

const KEY = 'metrics-doors-key-1a2b3c4d5e6f';
const AUTH = { authorization: `Bearer ${KEY}` };

const gw = useTestGateway({
  clients: ClientRegistry.fromJson([{ name: 'doors', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read'] }]),
});

async function scrape(): Promise<Sample[]> {
  const response = await request(`${gw().url}/metrics`);
  expect(response.statusCode).toBe(200);
  return parseMetrics(await response.body.text());
}

/** The value of the one series `name` with these labels (undefined when there is none). */
async function value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const found = (await scrape()).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

describe('/metrics for every door', () => {
  it('counts a query by its door: http, websocket, sse', async () => {
    for (const transport of TRANSPORTS) {
      const answer = await transport.send(gw(), 'query DoorProbe { __typename }', undefined, AUTH);
      expect(answer.body.errors, transport.name).toBeUndefined();
    }
    for (const door of ['http', 'websocket', 'sse']) {
      const labels = { operation: 'DoorProbe', type: 'query', client: 'doors', door, outcome: 'success' };
      expect(await value('pasarela_graphql_operations_total', labels), door).toBe(1);
    }
  });

  it('counts subscriptions by door, and gauges the open ones and the WebSocket connections until they close', async () => {
    const subscription = 'subscription DoorEvents { paymentEvents { id provider } }';
    const ws = createClient({ url: gw().wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: AUTH });
    const wsErrors: unknown[] = [];
    const stopWs = ws.subscribe({ query: subscription }, { next: () => undefined, error: (error) => wsErrors.push(error), complete: () => undefined });
    const controller = new AbortController();
    const agent = new Agent();
    const sse = await request(`${gw().url}/graphql`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...AUTH },
      body: JSON.stringify({ query: subscription }),
      signal: controller.signal,
    });
    expect(sse.statusCode).toBe(200);
    sse.body.on('error', () => undefined);
    try {
      await waitFor('both subscriptions open', async () => {
        const samples = await scrape();
        const open = (door: string) => samples.find((s) => s.name === 'pasarela_subscriptions_open' && s.labels.door === door)?.value;
        return open('websocket') === 1 && open('sse') === 1;
      });
      expect(wsErrors).toEqual([]);
      expect(await value('pasarela_websocket_connections_open')).toBe(1);
      for (const door of ['websocket', 'sse']) {
        const labels = { operation: 'DoorEvents', type: 'subscription', client: 'doors', door, outcome: 'success' };
        expect(await value('pasarela_graphql_operations_total', labels), door).toBe(1);
      }
    } finally {
      stopWs();
      await ws.dispose();
      controller.abort();
      await agent.destroy();
    }
    await waitFor('the subscriptions and the connection closed', async () => {
      const samples = await scrape();
      const open = (door: string) => samples.find((s) => s.name === 'pasarela_subscriptions_open' && s.labels.door === door)?.value;
      const connections = samples.find((s) => s.name === 'pasarela_websocket_connections_open')?.value;
      return open('websocket') === 0 && open('sse') === 0 && connections === 0;
    });
  });

  it('counts CSV exports by outcome, with their rows and duration, and as operations of door export', async () => {
    const complete = await request(`${gw().url}/exports/activity.csv?from=2026-01-10&to=2026-01-15`, { headers: AUTH });
    expect(complete.statusCode).toBe(200);
    const rows = (await complete.body.text()).split('\r\n').filter(Boolean).length - 1;
    expect(rows).toBeGreaterThan(0);
    const refused = await request(`${gw().url}/exports/activity.csv?from=2026-01-10&to=someday`, { headers: AUTH });
    expect(refused.statusCode).toBe(400);
    await refused.body.dump();

    // The export is counted when its response has closed.
    await waitFor('the export counted', async () => (await value('pasarela_csv_exports_total', { export: 'activity', outcome: 'complete' })) === 1);
    expect(await value('pasarela_csv_exports_total', { export: 'activity', outcome: 'refused' })).toBe(1);
    expect(await value('pasarela_csv_export_rows_total', { export: 'activity' })).toBe(rows);
    expect(await value('pasarela_csv_export_duration_seconds_count', { export: 'activity', outcome: 'complete' })).toBe(1);
    const asOperation = { operation: 'ActivityExport', type: 'query', client: 'doors', door: 'export' };
    expect(await value('pasarela_graphql_operations_total', { ...asOperation, outcome: 'success' })).toBe(1);
    expect(await value('pasarela_graphql_operations_total', { ...asOperation, outcome: 'error' })).toBe(1);
  });

  it("exposes Node's standard process metrics under their usual names", async () => {
    expect(await value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(await value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(await value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // A garbage collection is reported once one has happened: make garbage until one has.
    await waitFor('a GC reported', async () => {
      const garbage = Array.from({ length: 2_000 }, (_, i) => new Array<number>(1_000).fill(i));
      return garbage.length > 0 && (await scrape()).some((s) => s.name === 'nodejs_gc_duration_seconds_count' && s.value > 0);
    });
    expect((await scrape()).some((s) => s.name.startsWith('pasarela_process_') || s.name.startsWith('pasarela_nodejs_'))).toBe(false);
  });
});
