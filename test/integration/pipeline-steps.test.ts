/**
 * A new protection is one step and one list entry, and holds at every door: this test adds a step of
 * its own to the gateway's list (src/graphql/steps/index.ts, through `steps`) and sees it act over
 * HTTP (a query text, through Apollo), a document by id (APQ's hash), GraphQL over WebSocket, GraphQL
 * over SSE and the CSV export — refusing when it is switched on, and letting the operation through to
 * the door's usual answer when it is off. Its `done` hook sees every operation's end, refusals included.
 */
import { createHash } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GraphQLError } from 'graphql';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Door, Outcome, Step } from '../../src/graphql/pipeline.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';

/**
 * The test's own protection: while `blocking`, every operation is refused at admission — FORBIDDEN
 * (403, a code of the contract: unknown codes are masked), with a message of its own.
 */
const REFUSAL = 'Refused by the test step';
const probe = {
  blocking: false,
  admitted: [] as Door[],
  ended: [] as { door: Door; outcome: Outcome }[],
};
const probeStep: Step = {
  name: 'test-probe',
  admit(operation) {
    probe.admitted.push(operation.request.door);
    if (probe.blocking) throw new GraphQLError(REFUSAL, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  },
  done(operation, outcome) {
    probe.ended.push({ door: operation.request.door, outcome });
  },
};

// One list entry: the test's step first, then the gateway's own.
const gw = useTestGateway({ steps: (steps) => [probeStep, ...steps] });
const [http, ws, sse] = TRANSPORTS;

afterEach(() => {
  probe.blocking = false;
  probe.admitted.length = 0;
  probe.ended.length = 0;
});

const QUERY = '{ account(provider: TELEPAGOS) { balance { amount currency } } }';

/** APQ's hash-only request: a document by id (persisted-http.ts), unknown to the gateway. */
async function byId(gateway: TestGateway) {
  const hash = createHash('sha256').update('query NeverRegistered { accounts { provider } }').digest('hex');
  const response = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as { errors?: { extensions?: Record<string, unknown> }[] } };
}

async function csv(gateway: TestGateway) {
  const response = await request(`${gateway.url}/exports/activity.csv?from=2026-01-10&to=2026-01-15`);
  const text = await response.body.text();
  return { status: response.statusCode, text };
}

describe('a step added to the list acts at every door', () => {
  it.each([http!, ws!, sse!])('over $name: refuses while on, lets the query run while off', async (transport) => {
    probe.blocking = true;
    const refused = await transport.send(gw(), QUERY);
    expect(refused.body.errors?.[0]).toMatchObject({ message: REFUSAL, extensions: { code: 'FORBIDDEN' } });
    expect(refused.body.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
    expect(refused.body.data ?? undefined).toBeUndefined();
    if (transport.name !== 'ws') expect(refused.status).toBe(403);
    const door = transport.name === 'ws' ? 'websocket' : transport.name;
    expect(probe.admitted).toEqual([door]);
    expect(probe.ended).toMatchObject([{ door, outcome: { failed: true, refused: true } }]);

    probe.blocking = false;
    probe.ended.length = 0;
    const answered = await transport.send(gw(), QUERY);
    expect(answered.body.errors).toBeUndefined();
    expect(answered.body.data.account.balance.currency).toBe('ARS');
    expect(probe.ended).toMatchObject([{ door, outcome: { failed: false, refused: false, type: 'query' } }]);
  });

  it('for a subscription over WebSocket: refused while on; while off its set-up is reported to the done hooks', async () => {
    probe.blocking = true;
    const refused = await ws!.send(gw(), 'subscription { paymentEvents { id } }');
    expect(refused.body.errors?.[0]).toMatchObject({ message: REFUSAL, extensions: { code: 'FORBIDDEN' } });

    probe.blocking = false;
    probe.ended.length = 0;
    const client = createClient({ url: gw().wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const errors: unknown[] = [];
    const dispose = client.subscribe(
      { query: 'subscription Watch { paymentEvents { id } }' },
      { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined },
    );
    try {
      await expect
        .poll(() => probe.ended)
        .toMatchObject([{ door: 'websocket', outcome: { subscribed: true, failed: false, name: 'Watch', type: 'subscription' } }]);
      expect(errors).toEqual([]);
    } finally {
      dispose();
      await client.dispose();
    }
  });

  it('for a document by id: refuses while on; while off the door answers as usual (an unknown hash)', async () => {
    probe.blocking = true;
    const refused = await byId(gw());
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]).toMatchObject({ message: REFUSAL, extensions: { code: 'FORBIDDEN' } });
    expect(probe.admitted).toEqual(['by-id']);

    probe.blocking = false;
    const answered = await byId(gw());
    expect(answered.status).toBe(200);
    expect(answered.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(probe.admitted).toEqual(['by-id', 'by-id']);
  });

  it('for the CSV export: refuses while on; while off the file is streamed, and its end is reported', async () => {
    probe.blocking = true;
    const refused = await csv(gw());
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).errors[0]).toMatchObject({ message: REFUSAL, extensions: { code: 'FORBIDDEN', requestId: expect.any(String) } });
    expect(probe.admitted).toEqual(['export']);

    probe.blocking = false;
    probe.ended.length = 0;
    const answered = await csv(gw());
    expect(answered.status).toBe(200);
    expect(answered.text.split('\r\n')[0]).toMatch(/^id,provider,/);
    await expect.poll(() => probe.ended).toMatchObject([{ door: 'export', outcome: { failed: false, name: 'ActivityExport', type: 'query' } }]);
  });
});
