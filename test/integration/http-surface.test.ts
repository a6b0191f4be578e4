/**
 * The gateway's HTTP surface around GraphQL: health and readiness, request ids, the explorer page
 * (more in explorer.test.ts), CORS, no CSRF refusal, no batching, introspection outside production.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startTestGateway, useTestGateway } from '../helpers/gateway.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STUDIO = 'https://studio.apollographql.com';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function call(url: string, init: { method?: 'GET' | 'POST' | 'OPTIONS'; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const response = await request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body ?? null });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

function preflight(url: string, origin: string): Promise<Answer> {
  return call(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
}

describe('HTTP surface', () => {
  const gw = useTestGateway();

  describe('health', () => {
    it('GET /healthz is 200 {status: ok}', async () => {
      const answer = await call(`${gw().url}/healthz`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ status: 'ok' });
    });

    it('GET /readyz is 200 with the state store and the circuit breaker state of every configured provider', async () => {
      const answer = await call(`${gw().url}/readyz`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({
        status: 'ready',
        state: { kind: 'memory', reachable: true },
        providers: { TELEPAGOS: 'closed', TALO: 'closed', TUPAY: 'closed' },
      });
    });
  });

  describe('request ids', () => {
    it('echoes a well-formed X-Request-Id and puts it in every GraphQL error', async () => {
      const { headers, body } = await gw().query('{ noSuchField }', undefined, { 'x-request-id': 'client-42.retry:1' });
      expect(headers['x-request-id']).toBe('client-42.retry:1');
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors ?? []) expect(error.extensions?.requestId).toBe('client-42.retry:1');
    });

    it('generates a UUID when X-Request-Id is absent, and errors carry the same one', async () => {
      const { headers, body } = await gw().query('{ noSuchField }');
      const id = headers['x-request-id'];
      expect(id).toMatch(UUID);
      expect(body.errors?.[0]?.extensions?.requestId).toBe(id);
    });

    it.each([
      ['with spaces', 'not a valid id'],
      ['too long', 'a'.repeat(65)],
      ['with a forbidden character', 'id<script>'],
    ])('replaces a malformed X-Request-Id (%s) with a UUID', async (_, given) => {
      const { headers, body } = await gw().query('{ noSuchField }', undefined, { 'x-request-id': given });
      expect(headers['x-request-id']).toMatch(UUID);
      expect(headers['x-request-id']).not.toBe(given);
      expect(body.errors?.[0]?.extensions?.requestId).toBe(headers['x-request-id']);
    });

    it('gives distinct ids to distinct requests', async () => {
      const first = await call(`${gw().url}/healthz`);
      const second = await call(`${gw().url}/healthz`);
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(second.headers['x-request-id']).toMatch(UUID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });
  });

  it('serves the self-hosted GraphiQL on GET /graphql with Accept: text/html outside production', async () => {
    const answer = await call(`${gw().url}/graphql`, { headers: { accept: 'text/html' } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.text).toMatch(/<html/i);
    expect(answer.text).toContain('<div id="explorer">');
  });

  describe('CORS', () => {
    it('lets Apollo Sandbox (studio.apollographql.com) call the gateway from a browser with EXPLORER=apollo-sandbox', async () => {
      const withSandbox = await startTestGateway({ env: { EXPLORER: 'apollo-sandbox' }, providers: ['telepagos'] });
      try {
        const answer = await preflight(withSandbox.url, STUDIO);
        expect(answer.status).toBeLessThan(300);
        expect(answer.headers['access-control-allow-origin']).toBe(STUDIO);
        expect(String(answer.headers['access-control-allow-headers'])).toMatch(/content-type/i);

        const { headers } = await withSandbox.query('{ __typename }', undefined, { origin: STUDIO });
        expect(headers['access-control-allow-origin']).toBe(STUDIO);
        expect(String(headers['access-control-expose-headers'])).toMatch(/x-request-id/i);
      } finally {
        await withSandbox.close();
      }
    });

    it('gives an unknown origin no access-control-allow-origin', async () => {
      const answer = await preflight(gw().url, 'https://evil.example.com');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      const { headers } = await gw().query('{ __typename }', undefined, { origin: 'https://evil.example.com' });
      expect(headers['access-control-allow-origin']).toBeUndefined();
    });

    it('allows the origins listed in CORS_ORIGINS, and only those (Apollo Studio only with EXPLORER=apollo-sandbox)', async () => {
      const configured = await startTestGateway({ env: { CORS_ORIGINS: 'https://app.example.com' }, providers: ['telepagos'] });
      try {
        const allowed = await preflight(configured.url, 'https://app.example.com');
        expect(allowed.status).toBeLessThan(300);
        expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
        expect((await preflight(configured.url, STUDIO)).headers['access-control-allow-origin']).toBeUndefined();
        expect((await preflight(configured.url, 'https://other.example.com')).headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await configured.close();
      }
      // The default gateway was not told about it.
      expect((await preflight(gw().url, 'https://app.example.com')).headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('no CSRF refusal: the key is in the Authorization header, and a GET never runs a mutation', () => {
    const get = (query: string) => `${gw().url}/graphql?query=${encodeURIComponent(query)}`;

    it('runs a simple GET (no content-type, no apollo-require-preflight), as the GraphQL-over-HTTP spec asks', async () => {
      const answer = await call(get('{__typename}'), { headers: { accept: 'application/json' } });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ data: { __typename: 'Query' } });
    });

    it('refuses a mutation sent by GET with 405, in the contract shape', async () => {
      const answer = await call(get('mutation { __typename }'), { headers: { accept: 'application/json' } });
      expect(answer.status).toBe(405);
      expect(JSON.parse(answer.text).errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST', requestId: answer.headers['x-request-id'] });
      expect(answer.text).not.toContain('"data"');
    });
  });

  it('refuses batched operations (a JSON array body)', async () => {
    const answer = await call(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain('"data"');
    expect(answer.text).toMatch(/batch/i);
  });

  it('answers introspection outside production', async () => {
    const { status, body } = await gw().query('{ __schema { queryType { name } } __type(name: "Account") { kind fields { name } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe('Query');
    expect(body.data.__type.kind).toBe('OBJECT');
    expect(body.data.__type.fields.map((field: { name: string }) => field.name)).toEqual(expect.arrayContaining(['balance', 'transactions']));
  });
});
