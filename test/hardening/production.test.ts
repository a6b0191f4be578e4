/**
 * Production mode (NODE_ENV=production), behaviour by behaviour, each probe also sent to a development
 * gateway where it shows the thing production hides (so a probe that elicits nothing cannot pass).
 * Every operation probe runs over both transports, HTTP and graphql-ws (test/helpers/transports.ts).
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { formatError } from '../../src/graphql/errors.js';
import { memoryState, type SharedState } from '../../src/state/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { leakRecorder, type LeakRecorder } from '../helpers/leaks.js';
import { TRANSPORTS } from '../helpers/transports.js';

const KEY = 'prod-test-key-0123456789abcdef';
const AUTH = { authorization: `Bearer ${KEY}` };
const clients = () =>
  ClientRegistry.fromJson([{ name: 'backoffice', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read', 'cashin', 'cashout'] }]);
const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  TELEPAGOS_WEBHOOK_SECRET: 'x-webhook-secret',
  TALO_WEBHOOK_SECRET: 'y-webhook-secret',
  TUPAY_WEBHOOK_SECRET: 'z-webhook-secret',
  CLIENTS_FILE: '/nonexistent',
};
/** What a Redis outage looks like to the reference-data cache: a plain Error, not a ProviderError. */
const STORE_FAILURE = 'connect ECONNREFUSED 10.1.2.3:6379 (cache-store-internal-detail)';

function brokenCacheState(): SharedState {
  const state = memoryState();
  return { ...state, cache: { getOrLoad: () => Promise.reject(new Error(STORE_FAILURE)) } };
}

/** Requests that each produce a different kind of error. */
const ERROR_PROBES: [string, string, Record<string, unknown>?][] = [
  ['parse error', '{ accounts { '],
  ['validation error', '{ accounts { noSuchField } }'],
  ['variable of the wrong type', 'query($p: Provider!) { account(provider: $p) { id } }', { p: 42 }],
  ['argument bound', '{ account(provider: TELEPAGOS) { transactions(from: "2026-01-01", to: "2026-01-15", first: 0) { totalCount } } }'],
  ['provider failure', '{ account(provider: TUPAY) { balance { amount } } }'],
  ['unexpected error', '{ paymentConcepts { id } }'],
  ['over a limit', `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: salePoints { id }`).join(' ')} }`],
];

const SUGGESTION_PROBES = [
  '{ acounts { id } }',
  '{ account(provider: TELEPAGO) { id } }',
  '{ account(provider: TELEPAGOS) { transactions(frm: "2026-01-01", to: "2026-01-02") { totalCount } } }',
  'query($p: Provide!) { account(provider: $p) { id } }',
];

describe('production mode', () => {
  let prod: TestGateway;
  let dev: TestGateway;
  let prodLogs: LeakRecorder;
  beforeAll(async () => {
    prodLogs = leakRecorder();
    [prod, dev] = await Promise.all([
      startTestGateway({ env: PRODUCTION_ENV, clients: clients(), state: brokenCacheState(), logger: prodLogs.logger }),
      startTestGateway({ state: brokenCacheState() }),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([prod?.close(), dev?.close()]);
  });
  beforeEach(() => {
    prod.clearLogs();
    dev.clearLogs();
    for (const gw of [prod, dev]) gw.sandboxes.tupay.faults.add({ route: 'GET /v1/balance', mode: 'status', status: 503 });
  });

  it('runs with the configuration production requires', () => {
    expect(prod.config.production).toBe(true);
    expect(dev.config.production).toBe(false);
  });

  it('serves no explorer on GET /graphql with Accept: text/html, only a static page saying it is off', async () => {
    const get = (gw: TestGateway) => request(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
    const prodAnswer = await get(prod);
    const prodText = await prodAnswer.body.text();
    expect(prodAnswer.statusCode).toBe(200);
    expect(String(prodAnswer.headers['content-type'])).toMatch(/^text\/html/);
    expect(prodText).toContain('The explorer is off here');
    expect(prodText).not.toMatch(/<script|embeddable-sandbox|id="explorer"/i);

    const devAnswer = await get(dev);
    expect(await devAnswer.body.text()).toContain('<div id="explorer">');
  });

  describe.each(TRANSPORTS)('over $name', (t) => {
    describe('API keys', () => {
      it.each([
        ['no key', {}],
        ['an unknown key', { authorization: 'Bearer not-a-known-key-at-all' }],
        ['a malformed header', { authorization: 'Basic dXNlcjpwYXNz' }],
      ])('refuses a request with %s (HTTP 401 UNAUTHENTICATED, WebSocket closed 4403), no provider call', async (_, headers) => {
        const { status, closeCode, body } = await t.send(prod, '{ accounts { balance { amount } } }', undefined, headers as Record<string, string>);
        expect(body.data).toBeUndefined();
        if (t.name !== 'ws') {
          expect(status).toBe(401);
          expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        } else expect(closeCode).toBe(4403);
        expect(prod.sandboxes.telepagos.log.count() + prod.sandboxes.tupay.log.count()).toBe(0);
      });

      it('answers a request with a known key', async () => {
        const { status, body } = await t.send(prod, '{ salePoints { name } }', undefined, AUTH);
        if (t.name !== 'ws') expect(status).toBe(200);
        expect(body.data.salePoints.length).toBeGreaterThan(0);
      });
    });

    it.each([
      ['__schema', '{ __schema { types { name } } }'],
      ['__type', '{ __type(name: "Account") { fields { name } } }'],
    ])('refuses introspection (%s)', async (_, query) => {
      const refused = await t.send(prod, query, undefined, AUTH);
      if (t.name !== 'ws') expect(refused.status).toBe(400);
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]?.message).toMatch(/introspection/i);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(refused.body.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
      expect(JSON.stringify(refused.body)).not.toContain('transactions');

      const allowed = await t.send(dev, query);
      expect(allowed.body.errors).toBeUndefined();
      expect(allowed.body.data).toBeDefined();
    });

    it('puts no stack trace in any error', async () => {
      let devStacks = 0;
      for (const [name, query, variables] of ERROR_PROBES) {
        const { body } = await t.send(prod, query, variables, AUTH);
        expect(body.errors?.length, name).toBeGreaterThan(0);
        const text = JSON.stringify(body);
        expect(text, name).not.toMatch(/stacktrace|exception/);
        expect(text, name).not.toMatch(/\bat .*\.[cm]?[jt]s:\d+|node_modules|\/src\//);
        const devBody = (await t.send(dev, query, variables)).body;
        if (JSON.stringify(devBody).includes('stacktrace')) devStacks += 1;
      }
      // The probes do produce stack traces where they are allowed.
      expect(devStacks).toBeGreaterThanOrEqual(4);
    });

    it('masks an unexpected resolver error as INTERNAL_SERVER_ERROR with the request id, and logs the original under that id', async () => {
      const { body } = await t.send(prod, '{ paymentConcepts { id } }', undefined, { ...AUTH, 'x-request-id': 'prod-unexpected-1' });
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]).toEqual({
        message: 'Internal server error',
        locations: expect.any(Array),
        path: ['paymentConcepts'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'prod-unexpected-1' },
      });
      expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
      // Operators can find what happened from the id the client quotes.
      const logged = prodLogs.lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'unexpected error while resolving');
      expect(logged.at(-1)?.requestId).toBe('prod-unexpected-1');
      expect(JSON.stringify(logged.at(-1))).toContain('ECONNREFUSED');

      // Outside production the message is kept (still coded INTERNAL_SERVER_ERROR).
      const devBody = (await t.send(dev, '{ paymentConcepts { id } }')).body;
      expect(devBody.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(devBody.errors?.[0]?.message).toContain('ECONNREFUSED');
    });

    it.each(SUGGESTION_PROBES)('removes field suggestions ("Did you mean") from %s', async (query) => {
      const { body } = await t.send(prod, query, undefined, AUTH);
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toMatch(/Did you mean/i);
      expect((await t.send(dev, query)).body.errors?.[0]?.message).toMatch(/Did you mean/);
    });
  });
});

describe('production configuration', () => {
  const providerEnv = { TELEPAGOS_URL: 'https://api.telepagos.example', TELEPAGOS_USERNAME: 'u', TELEPAGOS_PASSWORD: 'p-secret-value' };
  const configError = (env: Record<string, string>): ConfigError => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('loadConfig accepted the configuration');
  };

  it('requires CLIENTS_FILE', () => {
    const error = configError({ ...providerEnv, NODE_ENV: 'production', TELEPAGOS_WEBHOOK_SECRET: 's' });
    expect(error.variable).toBe('CLIENTS_FILE');
    expect(error.message).toMatch(/^CLIENTS_FILE /);
  });

  it('requires a provider URL (no embedded sandboxes)', () => {
    expect(configError({ NODE_ENV: 'production', CLIENTS_FILE: '/etc/clients.json' }).variable).toBe('TELEPAGOS_URL');
  });

  it.each([
    ['TELEPAGOS_WEBHOOK_SECRET', providerEnv],
    ['TALO_WEBHOOK_SECRET', { TALO_URL: 'https://api.talo.example', TALO_USER_ID: 'u', TALO_CLIENT_ID: 'c', TALO_CLIENT_SECRET: 's' }],
    ['TUPAY_WEBHOOK_SECRET', { TUPAY_URL: 'https://api.tupay.example', TUPAY_ACCESS_KEY: 'a', TUPAY_SECRET_KEY: 's' }],
  ])('requires %s for a configured provider', (variable, env) => {
    const error = configError({ ...env, NODE_ENV: 'production', CLIENTS_FILE: '/etc/clients.json' });
    expect(error.variable).toBe(variable);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({ ...providerEnv, NODE_ENV: 'production', TELEPAGOS_WEBHOOK_SECRET: 's', CLIENTS_FILE: '/etc/clients.json' });
    expect(config.production).toBe(true);
    expect(config.embedded).toBe(false);
  });
});

describe('formatError with production: true', () => {
  const format = formatError({ production: true });

  it('masks an unexpected error and drops its stack', () => {
    const formatted = format(
      { message: 'boom: secret detail', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: boom', '    at x (/src/y.ts:1:1)'] } },
      new Error('boom: secret detail'),
    );
    expect(formatted).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('keeps a contract code but drops stacktrace and suggestions', () => {
    const formatted = format(
      {
        message: 'Cannot query field "acounts" on type "Query". Did you mean "accounts"?',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['x'] },
      },
      new Error('x'),
    );
    expect(formatted.message).toBe('Cannot query field "acounts" on type "Query".');
    expect(formatted.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
