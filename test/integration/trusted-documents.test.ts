/**
 * Trusted documents over HTTP: each `documents` policy (trusted-only, trusted-or-any, any) × each way of
 * naming a document (documentId, APQ hash, the text) × known (in the app's manifest) and unknown, against
 * a gateway whose apps come from a CLIENTS_FILE with a manifest on disk. A refused document causes no
 * provider call; a trusted document still needs its scopes; GET by id follows Apollo's rules (no
 * mutation); the metrics name the documents.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const BALANCE = 'query Balance { account(provider: TELEPAGOS) { balance { amount currency } } }';
const CASHOUT = 'mutation Cashout($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code message } } }';
const NODE = 'query Node($id: ID!) { node(id: $id) { id } }';
/** Valid against the schema, but in no manifest. */
const OTHER = 'query Other { account(provider: TELEPAGOS) { id balance { amount } } }';

const KEYS = { only: 'pk_trusted_only_0123456789abcdef0123', mixed: 'pk_trusted_or_any_0123456789abcdef0', any: 'pk_any_0123456789abcdef0123456789abc' };
const POLICIES = [
  { name: 'only', documents: 'trusted-only' },
  { name: 'mixed', documents: 'trusted-or-any' },
  { name: 'any', documents: 'any' },
] as const;

let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-trusted-'));
  await writeFile(join(dir, 'web.json'), JSON.stringify(Object.fromEntries([BALANCE, CASHOUT, NODE].map((text) => [`sha256:${sha256(text)}`, text]))));
  const clients = POLICIES.map(({ name, documents }) => ({
    name,
    keySha256: sha256(KEYS[name]),
    scopes: ['read'],
    documents,
    manifests: ['web.json'],
  }));
  const file = join(dir, 'clients.json');
  await writeFile(file, JSON.stringify(clients));
  gw = await startTestGateway({ clients: await ClientRegistry.fromFile(file), clientsFile: file });
  // The provider token is fetched once, now, so every count below is of data calls only.
  expect((await gw.query(BALANCE, {}, { authorization: `Bearer ${KEYS.any}` })).body.errors).toBeUndefined();
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function post(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(await response.body.text()) };
}

async function get(key: string, params: Record<string, unknown>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): Promise<Answer> {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const response = await request(`${gw.url}/graphql?${search}`, { method: 'GET', headers: { authorization: `Bearer ${key}`, ...headers } });
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(await response.body.text()) };
}

const byId = (text: string) => ({ documentId: `sha256:${sha256(text)}` });
const byHash = (text: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } });
const byText = (text: string) => ({ query: text });

async function metric(series: string): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length).trim()) : 0;
}

/** What the sandbox saw: a refused document must not reach the provider. */
async function upstreamCalls<T>(send: () => Promise<T>): Promise<{ answer: T; calls: number }> {
  gw.clearLogs();
  const answer = await send();
  return { answer, calls: gw.sandboxes.telepagos.log.count() };
}

function expectBalance(answer: Answer): void {
  expect(answer.body.errors, JSON.stringify(answer.body)).toBeUndefined();
  expect(answer.status).toBe(200);
  expect(answer.body.data.account.balance).toEqual({ amount: expect.stringMatching(/^-?\d+\.\d{2}$/), currency: 'ARS' });
}

function expectNotFound(answer: Answer): void {
  // Apollo's answer, which Apollo Client's persisted-queries link reacts to by sending the text.
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors![0]!.message).toBe('PersistedQueryNotFound');
  expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND', requestId: expect.any(String) });
  expect(answer.headers['cache-control']).toBe('private, no-cache, must-revalidate');
  expect(answer.body.data).toBeUndefined();
}

function expectTrustedRequired(answer: Answer, client: string): void {
  expect(answer.status).toBe(403);
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors![0]!.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  expect(answer.body.errors![0]!.message).toContain(`The client app ${client} `);
  expect(answer.body.data).toBeUndefined();
}

describe.each(POLICIES)('documents "$documents"', ({ name, documents }) => {
  const key = KEYS[name];

  it('by documentId, known: runs the manifest document', async () => {
    const { answer, calls } = await upstreamCalls(() => post(key, byId(BALANCE)));
    expectBalance(answer);
    expect(calls).toBe(1);
  });

  it('by documentId, unknown: PERSISTED_QUERY_NOT_FOUND, no provider call, counted', async () => {
    const before = await metric(`pasarela_persisted_documents_unknown_total{client="${name}"}`);
    const { answer, calls } = await upstreamCalls(() => post(key, byId(`unknown ${name} ${Math.random()}`)));
    expectNotFound(answer);
    expect(calls).toBe(0);
    expect(await metric(`pasarela_persisted_documents_unknown_total{client="${name}"}`)).toBe(before + 1);
  });

  it('by APQ hash, known: runs the manifest document', async () => {
    const { answer, calls } = await upstreamCalls(() => post(key, byHash(BALANCE)));
    expectBalance(answer);
    expect(calls).toBe(1);
  });

  it('by APQ hash, unknown: PERSISTED_QUERY_NOT_FOUND, no provider call', async () => {
    const { answer, calls } = await upstreamCalls(() => post(key, byHash(`${OTHER} # ${name}`)));
    expectNotFound(answer);
    expect(calls).toBe(0);
  });

  it('by text, known (the exact text of a manifest document): runs', async () => {
    const { answer, calls } = await upstreamCalls(() => post(key, byText(BALANCE)));
    expectBalance(answer);
    expect(calls).toBe(1);
  });

  if (documents === 'trusted-only') {
    it('by text, unknown: TRUSTED_DOCUMENT_REQUIRED and no provider call', async () => {
      const before = await metric(`pasarela_trusted_documents_refused_total{client="${name}"}`);
      const { answer, calls } = await upstreamCalls(() => post(key, byText(OTHER)));
      expectTrustedRequired(answer, name);
      expect(calls).toBe(0);
      expect(await metric(`pasarela_trusted_documents_refused_total{client="${name}"}`)).toBe(before + 1);
    });

    it('cannot register by APQ (hash and text): refused, and the hash stays unknown', async () => {
      const text = `${OTHER} # register ${name}`;
      const { answer, calls } = await upstreamCalls(() => post(key, { ...byHash(text), ...byText(text) }));
      expectTrustedRequired(answer, name);
      expect(calls).toBe(0);
      expectNotFound(await post(key, byHash(text)));
      expectNotFound(await post(key, byId(text)));
    });

    it('does not see documents other apps registered by APQ', async () => {
      const text = `${OTHER} # registered by any`;
      expect((await post(KEYS.any, { ...byHash(text), ...byText(text) })).body.errors).toBeUndefined();
      expect((await post(KEYS.any, byHash(text))).body.errors).toBeUndefined();
      expectNotFound(await post(key, byHash(text)));
      expectNotFound(await post(key, byId(text)));
    });

    it('GET with a free-form query is refused the same way', async () => {
      expectTrustedRequired(await get(key, { query: OTHER }), name);
    });
  } else {
    it('by text, unknown: runs (trusted-or-any counts it as untrusted)', async () => {
      const series = `pasarela_untrusted_documents_total{client="${name}"}`;
      const before = await metric(series);
      const { answer, calls } = await upstreamCalls(() => post(key, byText(OTHER)));
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.account.balance.amount).toEqual(expect.any(String));
      expect(calls).toBe(1);
      expect(await metric(series)).toBe(documents === 'trusted-or-any' ? before + 1 : 0);
    });

    it('registers by APQ (hash and text), then runs it by hash and by documentId', async () => {
      const text = `${OTHER} # register ${name}`;
      expectNotFound(await post(key, byHash(text)));
      const registered = await post(key, { ...byHash(text), ...byText(text) });
      expect(registered.body.errors).toBeUndefined();
      expect(registered.body.data.account.balance.amount).toEqual(expect.any(String));
      const { answer, calls } = await upstreamCalls(() => post(key, byHash(text)));
      expect(answer.body.errors).toBeUndefined();
      expect(calls).toBe(1);
      expect((await post(key, byId(text))).body.data.account.id).toEqual(expect.any(String));
    });

    it('a registration whose text does not hash to the hash is refused (400), and registers nothing', async () => {
      const answer = await post(key, { ...byHash(`${OTHER} # claimed`), ...byText(`${OTHER} # sent`) });
      expect(answer.status).toBe(400);
      expect(answer.body.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
      expect(answer.body.errors![0]!.message).toBe('provided sha does not match query');
      expectNotFound(await post(key, byHash(`${OTHER} # claimed`)));
    });

    it('a registration that does not validate answers the validation errors and registers nothing', async () => {
      const text = 'query Bad { account(provider: TELEPAGOS) { nosuchfield } }';
      const answer = await post(key, { ...byHash(text), ...byText(text) });
      // A legacy application/json client reads a validation failure from a 200 (the GraphQL-over-HTTP spec).
      expect(answer.status).toBe(200);
      expect(answer.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(answer.body.errors![0]!.message).toContain('nosuchfield');
      expectNotFound(await post(key, byHash(text)));
    });
  }
});

describe('scopes still apply to a trusted document', () => {
  it.each(POLICIES)('a read-only $documents app running the cash-out document by id: FORBIDDEN, nothing sent', async ({ name }) => {
    const variables = {
      input: { referenceId: `td-${name}-${Date.now()}`, alias: 'pasarela.demo', cuit: '20123456786', amount: '10.00', concept: 'VAR', description: 'x' },
    };
    const { answer, calls } = await upstreamCalls(() => post(KEYS[name], { ...byId(CASHOUT), variables }));
    expect(answer.status).toBe(403);
    expect(answer.body.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    expect(calls).toBe(0);
  });
});

describe('requests by id, as Apollo answers requests', () => {
  it('GET by documentId with a preflight header runs the query', async () => {
    expectBalance(await get(KEYS.only, byId(BALANCE)));
  });

  it('GET by APQ hash (extensions as a JSON parameter) runs the query', async () => {
    expectBalance(await get(KEYS.only, { extensions: byHash(BALANCE).extensions }));
  });

  it('GET without content-type or preflight header runs: no CSRF refusal, the key is in the Authorization header', async () => {
    expectBalance(await get(KEYS.only, byId(BALANCE), {}));
  });

  it('a mutation document by GET: 405, allow POST', async () => {
    const answer = await get(KEYS.only, { ...byId(CASHOUT), variables: { input: {} } });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });

  it('variables that do not coerce: BAD_USER_INPUT, 400 with application/graphql-response+json and 200 for a legacy client, as Apollo text', async () => {
    const variables = { id: { not: 'an id' } };
    const answer = await post(KEYS.any, { ...byId(NODE), variables }, { accept: 'application/graphql-response+json' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.body.data).toBeUndefined();
    const legacy = await post(KEYS.any, { ...byId(NODE), variables }, { accept: 'application/json' });
    expect(legacy.status).toBe(200);
    expect(legacy.body.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(legacy.body.data).toBeUndefined();
  });

  it('answers application/graphql-response+json when asked, with the request id echoed', async () => {
    const answer = await post(KEYS.only, byId(BALANCE), { accept: 'application/graphql-response+json', 'x-request-id': 'td-req-1' });
    expectBalance(answer);
    expect(answer.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
    expect(answer.headers['x-request-id']).toBe('td-req-1');
    const refused = await post(KEYS.only, { documentId: 'sha1:nope' }, { 'x-request-id': 'td-req-2' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', requestId: 'td-req-2' });
    expect(refused.body.errors![0]!.message).toMatch(/"documentId" must be "sha256:"/);
  });

  it('without an API key: UNAUTHENTICATED (401) before the id is even looked at', async () => {
    const response = await request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(byId(BALANCE)),
    });
    expect(response.statusCode).toBe(401);
    expect(((await response.body.json()) as Answer['body']).errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('documentId and query together are refused (400)', async () => {
    const answer = await post(KEYS.any, { ...byId(BALANCE), ...byText(BALANCE) });
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(answer.body.errors![0]!.message).toMatch(/either "documentId" or "query"/);
  });

  it('"documentId": null is no id: the text runs as before', async () => {
    expectBalance(await post(KEYS.any, { ...byText(BALANCE), documentId: null }));
  });

  it('metrics name the operation by document id and name', async () => {
    await post(KEYS.only, byId(BALANCE));
    const id = `sha256:${sha256(BALANCE)}`;
    expect(await metric(`pasarela_persisted_documents_total{client="only",document="${id}",operation="Balance",outcome="hit"}`)).toBeGreaterThan(0);
    expect(await metric('pasarela_graphql_operations_total{operation="Balance",type="query",outcome="success",client="only",door="http"}')).toBeGreaterThan(0);
    expect(await metric('pasarela_trusted_documents{client="only"}')).toBe(3);
  });
});
