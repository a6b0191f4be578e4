/**
 * One error shape at every door (issue 29): every refusal — the gateway's, Apollo Server's, Fastify's,
 * the CSV export's — is a GraphQL-over-HTTP response `{"errors": [{"message", "extensions": {"code",
 * "requestId"}}]}` with the status that says what happened, the request id the one echoed in
 * X-Request-Id. Parse and validation failures carry Apollo's codes on every door (HTTP text, by id,
 * WebSocket, SSE). Every code the gateway answers is documented in docs/contract/README.md.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { ERROR_CODES } from '../../src/graphql/errors.js';
import { answerRefusalsAsGraphQL } from '../../src/graphql/http-errors.js';
import { createLogger } from '../../src/logging.js';
import { useTestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';

const KEY = 'error-shape-key-0a1b2c3d4e5f';
const AUTH = { authorization: `Bearer ${KEY}` };
const JSON_BODY = { 'content-type': 'application/json' };

interface Refusal {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  errors: { message: string; extensions: Record<string, unknown> }[];
  /** The body's other top-level keys (none: no `statusCode`, `error`, `data`). */
  keys: string[];
}

async function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string }, requestId: string): Promise<Refusal> {
  const response = await request(`${gw().url}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers: { ...init.headers, 'x-request-id': requestId },
    body: init.body,
  });
  const text = await response.body.text();
  expect(String(response.headers['content-type']), text).toMatch(/^application\/(json|graphql-response\+json)/);
  const body = JSON.parse(text) as { errors: Refusal['errors'] };
  return { status: response.statusCode, headers: response.headers, errors: body.errors, keys: Object.keys(body) };
}

/** The refusal is in the contract's shape: errors only, each with the code and this request's id. */
function expectShape(refusal: Refusal, status: number, code: string, requestId: string): void {
  expect(refusal.status, JSON.stringify(refusal.errors)).toBe(status);
  expect(refusal.headers['x-request-id']).toBe(requestId);
  expect(refusal.keys).toEqual(['errors']);
  expect(refusal.errors.length).toBeGreaterThan(0);
  for (const error of refusal.errors) {
    expect(error.message.length).toBeGreaterThan(5);
    expect(error.extensions).toMatchObject({ code, requestId });
  }
}

const gw = useTestGateway({
  clients: ClientRegistry.fromJson([{ name: 'shape', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read'] }]),
});

describe('every HTTP refusal is a GraphQL-over-HTTP response with code and requestId', () => {
  const cases: [string, string, { method?: string; headers?: Record<string, string>; body?: string }, number, string][] = [
    ['an unknown route (Fastify 404)', '/nope', {}, 404, 'NOT_FOUND'],
    ['PUT /graphql (405)', '/graphql', { method: 'PUT', headers: { ...JSON_BODY, ...AUTH }, body: '{}' }, 405, 'BAD_REQUEST'],
    [
      'a body over 1 MiB (Fastify 413)',
      '/graphql',
      { method: 'POST', headers: { ...JSON_BODY, ...AUTH }, body: JSON.stringify({ query: `{ __typename }${' '.repeat(1024 * 1024)}` }) },
      413,
      'BAD_REQUEST',
    ],
    [
      'a form-encoded POST (Fastify 415)',
      '/graphql',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...AUTH }, body: 'query=%7B__typename%7D' },
      415,
      'BAD_REQUEST',
    ],
    [
      // What a cross-site page can send without a preflight (CSRF prevention is off): it runs nothing.
      'a text/plain POST carrying a mutation (a cross-site "simple" request)',
      '/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...AUTH },
        body: JSON.stringify({ query: 'mutation { createSalePoint(input: { name: "x" }) { userErrors { message } } }' }),
      },
      400,
      'BAD_REQUEST',
    ],
    ['a body that is not JSON', '/graphql', { method: 'POST', headers: { ...JSON_BODY, ...AUTH }, body: '{"query": ' }, 400, 'BAD_REQUEST'],
    ['an empty JSON object (Apollo)', '/graphql', { method: 'POST', headers: { ...JSON_BODY, ...AUTH }, body: '{}' }, 400, 'BAD_REQUEST'],
    ['a batch array (Apollo)', '/graphql', { method: 'POST', headers: { ...JSON_BODY, ...AUTH }, body: '[{"query": "{ __typename }"}]' }, 400, 'BAD_REQUEST'],
    [
      'an Accept the gateway cannot answer (Apollo 406)',
      '/graphql',
      { method: 'POST', headers: { ...JSON_BODY, ...AUTH, accept: 'image/png' }, body: '{"query": "{ __typename }"}' },
      406,
      'BAD_REQUEST',
    ],
    [
      'a subscription sent as a plain JSON POST',
      '/graphql',
      { method: 'POST', headers: { ...JSON_BODY, ...AUTH }, body: JSON.stringify({ query: 'subscription { paymentEvents { provider } }' }) },
      400,
      'BAD_REQUEST',
    ],
    ['no API key', '/graphql', { method: 'POST', headers: JSON_BODY, body: '{"query": "{ __typename }"}' }, 401, 'UNAUTHENTICATED'],
    ['the CSV export without an API key', '/exports/activity.csv?from=2026-01-10&to=2026-01-15', {}, 401, 'UNAUTHENTICATED'],
    ['the CSV export with a bad parameter', '/exports/activity.csv?from=2026-01-10&to=someday', { headers: AUTH }, 400, 'BAD_USER_INPUT'],
  ];

  it.each(cases)('%s', async (_label, path, init, status, code) => {
    const requestId = `shape-${status}-${code.toLowerCase()}`;
    expectShape(await send(path, init, requestId), status, code, requestId);
  });

  it('the CSV export names the parameter in extensions.field', async () => {
    const refusal = await send('/exports/activity.csv?from=2026-01-10&to=someday', { headers: AUTH }, 'shape-field');
    expect(refusal.errors[0]!.extensions.field).toBe('to');
  });

  it('a subscription sent by id (APQ) as a plain JSON POST: 400 BAD_REQUEST naming the streaming transports', async () => {
    const query = 'subscription ShapeEvents { paymentEvents { id } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const body = JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    const refusal = await send('/graphql', { method: 'POST', headers: { ...JSON_BODY, ...AUTH }, body }, 'shape-sub-id');
    expectShape(refusal, 400, 'BAD_REQUEST', 'shape-sub-id');
    expect(refusal.errors[0]!.message).toMatch(/graphql-ws/);
  });

  it('a document sent by id that is unknown: PERSISTED_QUERY_NOT_FOUND with the request id', async () => {
    const body = JSON.stringify({ documentId: `sha256:${'0'.repeat(64)}` });
    expectShape(await send('/graphql', { method: 'POST', headers: { ...JSON_BODY, ...AUTH }, body }, 'shape-pq'), 200, 'PERSISTED_QUERY_NOT_FOUND', 'shape-pq');
  });
});

describe("parse and validation failures carry Apollo's codes on every door", () => {
  const documents: [string, string, string][] = [
    ['does not parse', '{ accounts {', 'GRAPHQL_PARSE_FAILED'],
    ['does not validate', '{ accounts { nosuchfield } }', 'GRAPHQL_VALIDATION_FAILED'],
  ];

  describe.each(TRANSPORTS)('over $name', (transport) => {
    it.each(documents)('a document that %s', async (_label, query, code) => {
      const answer = await transport.send(gw(), query, undefined, { ...AUTH, 'x-request-id': `shape-${transport.name}` });
      if (transport.name !== 'ws') expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code, requestId: `shape-${transport.name}` });
    });
  });

  it.each(documents)('by id (an APQ registration whose text %s)', async (_label, query, code) => {
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const body = JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    const refusal = await send(
      '/graphql',
      { method: 'POST', headers: { ...JSON_BODY, ...AUTH, accept: 'application/graphql-response+json' }, body },
      'shape-apq',
    );
    expectShape(refusal, 400, code, 'shape-apq');
  });

  it.each(documents)(
    'a legacy application/json client gets the document that %s with 200, as the GraphQL-over-HTTP spec recommends',
    async (_l, query, code) => {
      const refusal = await send(
        '/graphql',
        { method: 'POST', headers: { ...JSON_BODY, ...AUTH, accept: 'application/json' }, body: JSON.stringify({ query }) },
        'shape-legacy',
      );
      expectShape(refusal, 200, code, 'shape-legacy');
    },
  );
});

describe('an unexpected error in a route', () => {
  it('is answered 500 INTERNAL_SERVER_ERROR without its message, and logged with the request id', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: false, genReqId: () => 'shape-500' });
    answerRefusalsAsGraphQL(app, { logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }), bodyLimit: 1024 });
    app.get('/boom', async () => {
      throw new Error('unexpected state 42 in a route');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await request(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/boom`);
      const text = await response.body.text();
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(text)).toEqual({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'shape-500' } }],
      });
      expect(text).not.toContain('unexpected state 42');
      const logged = lines.map((line) => JSON.parse(line) as { requestId?: string; err?: { message?: string } });
      expect(logged.find((line) => line.requestId === 'shape-500')?.err?.message).toBe('unexpected state 42 in a route');
    } finally {
      await app.close();
    }
  });
});

describe('the codes are documented', () => {
  it('docs/contract/README.md lists every code the gateway answers', () => {
    const contract = readFileSync(new URL('../../docs/contract/README.md', import.meta.url), 'utf8');
    expect(ERROR_CODES.filter((code) => !contract.includes(`\`${code}\``))).toEqual([]);
  });
});
