/**
 * Trusted documents on every transport. Over HTTP, graphql-ws and SSE alike (the transports helper), a
 * trusted-only app's free-form text is refused (TRUSTED_DOCUMENT_REQUIRED, no provider call) and the
 * exact text of one of its documents runs. Over graphql-ws a subscribe message may name the document by
 * `documentId` or APQ hash (with an empty `query`, which graphql-ws requires), and a subscription can
 * be a trusted document too; over SSE the body names it as over HTTP (`documentId` alone, or APQ).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';
import { waitFor } from '../helpers/wait.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const BALANCE = 'query WsBalance { account(provider: TELEPAGOS) { balance { amount currency } } }';
const EVENTS = 'subscription WsEvents { paymentEvents { id provider type } }';
const OTHER = '{ accounts { provider balance { amount } } }';
const KEYS = { only: 'pk_ws_only_0123456789abcdef0123456789', any: 'pk_ws_any_0123456789abcdef01234567890' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-trusted-ws-'));
  await writeFile(join(dir, 'app.json'), JSON.stringify(Object.fromEntries([BALANCE, EVENTS].map((text) => [`sha256:${sha256(text)}`, text]))));
  const file = join(dir, 'clients.json');
  await writeFile(
    file,
    JSON.stringify([
      { name: 'ws-only', keySha256: sha256(KEYS.only), scopes: ['read'], documents: 'trusted-only', manifests: ['app.json'] },
      { name: 'ws-any', keySha256: sha256(KEYS.any), scopes: ['read'] },
    ]),
  );
  gw = await startTestGateway({ clients: await ClientRegistry.fromFile(file), clientsFile: file });
  // The provider token is fetched once, now, so the counts below are of data calls only.
  expect((await gw.query(BALANCE, {}, bearer(KEYS.any))).body.errors).toBeUndefined();
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(TRANSPORTS)('a trusted-only app over $name', (transport) => {
  it('free-form text: TRUSTED_DOCUMENT_REQUIRED, and nothing reaches a provider', async () => {
    gw.clearLogs();
    const answer = await transport.send(gw, OTHER, undefined, bearer(KEYS.only));
    expect(answer.body.errors?.[0]?.extensions?.code, JSON.stringify(answer.body)).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(answer.body.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
    expect(answer.body.data ?? undefined).toBeUndefined();
    if (transport.name !== 'ws') expect(answer.status).toBe(403);
    expect(gw.sandboxes.telepagos.log.count() + gw.sandboxes.tupay.log.count()).toBe(0);
  });

  it('the exact text of one of its documents runs', async () => {
    const answer = await transport.send(gw, BALANCE, undefined, bearer(KEYS.only));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.account.balance.currency).toBe('ARS');
  });

  it('an app with documents "any" still sends any text', async () => {
    const answer = await transport.send(gw, OTHER, undefined, bearer(KEYS.any));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.accounts.length).toBeGreaterThan(0);
  });
});

/** One operation over graphql-ws with a raw subscribe payload; the first result, or the errors. */
function subscribe(key: string, payload: Record<string, unknown>, onFirst?: () => void): Promise<{ data?: any; errors?: any[] }> {
  return new Promise((resolve, reject) => {
    const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: bearer(key) });
    const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
    const done = (value: { data?: any; errors?: any[] }) => {
      clearTimeout(timer);
      void client.dispose();
      resolve(value);
    };
    let first: { data?: any } | undefined;
    client.subscribe(payload as { query: string }, {
      next: (result) => {
        if (first) return;
        first = result as { data?: any };
        if (onFirst) done(first);
      },
      error: (error) => done({ errors: Array.isArray(error) ? error : [{ message: String(error) }] }),
      complete: () => done(first ?? {}),
    });
    if (onFirst) setTimeout(onFirst, 300);
  });
}

describe('by id over graphql-ws', () => {
  it('documentId (with the empty query graphql-ws requires) runs the document', async () => {
    const answer = await subscribe(KEYS.only, { query: '', documentId: `sha256:${sha256(BALANCE)}` });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.account.balance.currency).toBe('ARS');
  });

  it('the APQ hash runs the document', async () => {
    const answer = await subscribe(KEYS.only, { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BALANCE) } } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.account.balance.currency).toBe('ARS');
  });

  it('an unknown id: PERSISTED_QUERY_NOT_FOUND', async () => {
    const answer = await subscribe(KEYS.only, { query: '', documentId: `sha256:${sha256('nothing')}` });
    expect(answer.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a trusted-only app cannot register over WebSocket either', async () => {
    gw.clearLogs();
    const answer = await subscribe(KEYS.only, { query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } });
    expect(answer.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(gw.sandboxes.telepagos.log.count() + gw.sandboxes.tupay.log.count()).toBe(0);
  });

  it("a registration over WebSocket goes into the app's one APQ budget: over its share refused, otherwise run by hash over HTTP too", async () => {
    const padded = `query WsPadded { __typename }\n${'#\n'.repeat(7_000)}`;
    const refused = await subscribe(KEYS.any, { query: padded, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(padded) } } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const text = 'query WsRegistered { __typename }';
    const registered = await subscribe(KEYS.any, { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } });
    expect(registered.errors).toBeUndefined();
    const overHttp = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(KEYS.any) },
      body: JSON.stringify({ documentId: `sha256:${sha256(text)}` }),
    });
    expect(await overHttp.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('a subscription document by id subscribes, and receives events', async () => {
    const events = gw.gateway.events;
    const received = subscribe(KEYS.only, { query: '', documentId: `sha256:${sha256(EVENTS)}` }, () => {
      void events.publish({ id: `ws-trusted-${Date.now()}`, provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString() });
    });
    const answer = await received;
    expect(answer.errors).toBeUndefined();
    expect(answer.data.paymentEvents).toMatchObject({ provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED' });
  });
});

/** One POST over SSE (Accept: text/event-stream): its status, and the JSON body or the `next` events' data until `enough`. */
async function overSse(key: string, body: Record<string, unknown>, enough = (_events: any[]) => false): Promise<{ status: number; json?: any; events: any[] }> {
  const controller = new AbortController();
  // Its own connection pool, gone with the stream (the shared pool would keep a spare socket open after an abort).
  const agent = new Agent();
  const response = await request(`${gw.url}/graphql`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(key) },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (!String(response.headers['content-type']).startsWith('text/event-stream')) {
    const json = await response.body.json();
    await agent.close();
    return { status: response.statusCode, json, events: [] };
  }
  const events: any[] = [];
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += String(chunk);
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop()!;
      for (const block of blocks) {
        const lines = block.split('\n');
        const data = lines.find((line) => line.startsWith('data: '));
        if (lines.includes('event: next') && data) events.push(JSON.parse(data.slice(6)));
      }
      if (enough(events)) break;
    }
  } finally {
    controller.abort();
    await agent.destroy();
  }
  return { status: response.statusCode, events };
}

describe('by id over SSE', () => {
  it('documentId alone (no query) runs the document', async () => {
    const answer = await overSse(KEYS.only, { documentId: `sha256:${sha256(BALANCE)}` });
    expect(answer.status).toBe(200);
    expect(answer.events).toHaveLength(1);
    expect(answer.events[0].errors).toBeUndefined();
    expect(answer.events[0].data.account.balance.currency).toBe('ARS');
  });

  it('the APQ hash runs the document', async () => {
    const answer = await overSse(KEYS.only, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BALANCE) } } });
    expect(answer.events[0].data.account.balance.currency).toBe('ARS');
  });

  it("an unknown id: PERSISTED_QUERY_NOT_FOUND as the stream's one result (200, so an APQ client sends the text next)", async () => {
    const answer = await overSse(KEYS.any, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('nothing') } } });
    expect(answer.status).toBe(200);
    expect(answer.events).toHaveLength(1);
    expect(answer.events[0].errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(answer.events[0].errors[0].extensions.requestId).toEqual(expect.any(String));
  });

  it('a trusted-only app cannot send other text or register over SSE either (403), and nothing reaches a provider', async () => {
    gw.clearLogs();
    for (const body of [{ query: OTHER }, { query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } }]) {
      const answer = await overSse(KEYS.only, body);
      expect(answer.status).toBe(403);
      expect(answer.json.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    }
    expect(gw.sandboxes.telepagos.log.count() + gw.sandboxes.tupay.log.count()).toBe(0);
  });

  it('a subscription document by id subscribes, and receives events', async () => {
    const bus = gw.gateway.events as unknown as { subscriberCount: number };
    const before = bus.subscriberCount;
    const answer = overSse(KEYS.only, { documentId: `sha256:${sha256(EVENTS)}` }, (events) => events.length > 0);
    await waitFor('the subscription to be registered', () => bus.subscriberCount > before);
    await gw.gateway.events.publish({ id: `sse-trusted-${Date.now()}`, provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString() });
    const { events } = await answer;
    expect(events[0].errors).toBeUndefined();
    expect(events[0].data.paymentEvents).toMatchObject({ provider: 'TELEPAGOS', type: 'CASHIN_RECEIVED' });
    await waitFor('the subscription to be released', () => bus.subscriberCount === before);
  });
});
