/**
 * API keys and scopes on the write API, with a CLIENTS_FILE-style registry (keys stored as SHA-256):
 * a missing or unknown key is UNAUTHENTICATED, a key without the mutation's scope is FORBIDDEN — and
 * in both cases no request reaches any provider. `read` is for queries, `cashin` for the cash-in and
 * sale-point mutations and createPayment, `cashout` for createCashout.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

const KEYS = {
  all: 'pk_all_0123456789abcdef0123456789abcdef',
  reader: 'pk_reader_0123456789abcdef0123456789ab',
  cashin: 'pk_cashin_0123456789abcdef0123456789ab',
  cashout: 'pk_cashout_0123456789abcdef012345678',
  other: 'pk_other_0123456789abcdef0123456789abc',
} as const;

const CLIENTS = [
  { name: 'backoffice', keySha256: sha256(KEYS.all), scopes: ['read', 'cashin', 'cashout'] },
  { name: 'dashboard', keySha256: sha256(KEYS.reader), scopes: ['read'] },
  { name: 'shop', keySha256: sha256(KEYS.cashin), scopes: ['cashin'] },
  // Upper-case hex is accepted too.
  { name: 'payouts', keySha256: sha256(KEYS.cashout).toUpperCase(), scopes: ['cashout'] },
  { name: 'partner', keySha256: sha256(KEYS.other), scopes: ['read', 'cashin', 'cashout'] },
];

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let seq = 0;
const ref = (label: string) => `wa-${label}-${process.pid}-${++seq}`;
const future = () => new Date(Date.now() + 24 * 3600_000).toISOString();

interface MutationCase {
  name: string;
  scope: 'cashin' | 'cashout';
  query: string;
  variables: () => Record<string, unknown>;
}

const MUTATIONS: MutationCase[] = [
  {
    name: 'createCashout',
    scope: 'cashout',
    query: 'mutation($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code message } } }',
    variables: () => ({
      input: { referenceId: ref('auth'), alias: 'pasarela.demo', cuit: '20123456786', amount: '10.00', concept: 'VAR', description: 'Auth' },
    }),
  },
  {
    name: 'createQrCharge',
    scope: 'cashin',
    query: 'mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { code message } } }',
    variables: () => ({ input: { amount: '100.00', concept: 'VAR', description: 'Mesa 4' } }),
  },
  {
    name: 'createTransferLink',
    scope: 'cashin',
    query: 'mutation($input: CreateTransferLinkInput!) { createTransferLink(input: $input) { paymentLink userErrors { code message } } }',
    variables: () => ({ input: { cbu: '0000071000000000999993', cuit: '20123456786', amount: '100.00', concept: 'VAR', description: 'Cuota' } }),
  },
  {
    name: 'createPaymentLink',
    scope: 'cashin',
    query: 'mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { paymentLink { id } userErrors { code message } } }',
    variables: () => ({ input: { amount: '100.00', concept: 'VAR', expiresAt: future(), multipleUse: false } }),
  },
  {
    name: 'createSalePoint',
    scope: 'cashin',
    query: 'mutation($input: CreateSalePointInput!) { createSalePoint(input: $input) { salePoint { id } userErrors { code message } } }',
    variables: () => ({ input: { name: `Caja ${++seq}` } }),
  },
  {
    name: 'deleteSalePoint',
    scope: 'cashin',
    query: 'mutation($input: DeleteSalePointInput!) { deleteSalePoint(input: $input) { deletedSalePointId userErrors { code message } } }',
    // The id is replaced by a freshly created sale point where the call is expected to succeed.
    variables: () => ({ input: { id: '4' } }),
  },
  {
    name: 'createSalePointQrOrder',
    scope: 'cashin',
    query: 'mutation($input: CreateSalePointQrOrderInput!) { createSalePointQrOrder(input: $input) { qrOrderId userErrors { code message } } }',
    variables: () => ({ input: { salePointId: '1', amount: '450.00', concept: 'VAR', description: 'Cafe' } }),
  },
  {
    name: 'createPayment',
    scope: 'cashin',
    query: 'mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id } userErrors { code message } } }',
    variables: () => ({ input: { price: { amount: '100.00', currency: 'ARS' }, externalId: ref('order'), redirectUrl: 'https://shop.example/ok' } }),
  },
];

function upstream(gw: TestGateway) {
  return [gw.sandboxes.telepagos, gw.sandboxes.talo, gw.sandboxes.tupay].flatMap((s) => s.log.list());
}

describe('API keys and scopes', () => {
  const gw = useTestGateway({ clients: ClientRegistry.fromJson(CLIENTS) });
  beforeEach(() => gw().clearLogs());

  describe.each(MUTATIONS)('$name (scope $scope)', (m) => {
    it.each([
      ['no Authorization header', {}],
      ['an unknown key', bearer('pk_unknown_0123456789abcdef0123456789')],
      ['a known key with one character changed', bearer(`${KEYS.all.slice(0, -1)}0`)],
      ['the key hash instead of the key', bearer(sha256(KEYS.all))],
      ['the key without "Bearer"', { authorization: KEYS.all }],
      ['the key as Basic credentials', { authorization: `Basic ${Buffer.from(`x:${KEYS.all}`).toString('base64')}` }],
    ])('%s → UNAUTHENTICATED (401), no provider call', async (_name, headers) => {
      const { status, headers: answered, body } = await gw().query(m.query, m.variables(), headers);
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
      // Refused before Apollo's plugins run, and still quotable: the request id is there too.
      expect(body.errors![0]!.extensions!.requestId).toBe(answered['x-request-id']);
      expect(upstream(gw())).toEqual([]);
    });

    const lacking =
      m.scope === 'cashout'
        ? [
            ['read only', KEYS.reader],
            ['cashin only', KEYS.cashin],
          ]
        : [
            ['read only', KEYS.reader],
            ['cashout only', KEYS.cashout],
          ];
    it.each(lacking)('a key with %s → FORBIDDEN (403) naming the scope, no provider call', async (_name, key) => {
      const { status, body } = await gw().query(m.query, m.variables(), bearer(key!));
      expect(status).toBe(403);
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(body.errors![0]!.message).toContain(m.scope);
      expect(upstream(gw())).toEqual([]);
    });

    it(`a key with only ${m.scope} is allowed and the mutation reaches the provider`, async () => {
      let variables = m.variables();
      if (m.name === 'deleteSalePoint') {
        const created = await gw().query(MUTATIONS[4]!.query, MUTATIONS[4]!.variables(), bearer(KEYS.cashin));
        variables = { input: { id: created.body.data.createSalePoint.salePoint.id } };
        gw().clearLogs();
      }
      const { status, body } = await gw().query(m.query, variables, bearer(m.scope === 'cashin' ? KEYS.cashin : KEYS.cashout));
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data[m.name].userErrors).toEqual([]);
      expect(upstream(gw()).length).toBeGreaterThan(0);
    });
  });

  it('queries need read: a cashin-only or cashout-only key gets FORBIDDEN, no provider call', async () => {
    for (const key of [KEYS.cashin, KEYS.cashout]) {
      const { status, body } = await gw().query('{ salePoints { id } }', undefined, bearer(key));
      expect(status).toBe(403);
      expect(body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    expect(upstream(gw())).toEqual([]);
    const ok = await gw().query('{ salePoints { id } }', undefined, bearer(KEYS.reader));
    expect(ok.body.data.salePoints.length).toBeGreaterThan(0);
  });

  it('an operation with two mutations needs both scopes: cashin-only is refused before either runs', async () => {
    const query = `mutation($c: CreateCashoutInput!, $q: CreateQrChargeInput!) {
      createQrCharge(input: $q) { qrOrderId }
      createCashout(input: $c) { cashout { id } }
    }`;
    const variables = { c: MUTATIONS[0]!.variables().input, q: MUTATIONS[1]!.variables().input };
    const { status, body } = await gw().query(query, variables, bearer(KEYS.cashin));
    expect(status).toBe(403);
    expect(body.errors![0]!.message).toContain('cashout');
    expect(upstream(gw())).toEqual([]);
  });

  it('a mutation reached through a fragment or an alias still needs its scope', async () => {
    const viaFragment = `mutation($c: CreateCashoutInput!) { ...M } fragment M on Mutation { createCashout(input: $c) { cashout { id } } }`;
    const aliased = `mutation($c: CreateCashoutInput!) { pay: createCashout(input: $c) { cashout { id } } }`;
    for (const query of [viaFragment, aliased]) {
      const { status, body } = await gw().query(query, { c: MUTATIONS[0]!.variables().input }, bearer(KEYS.cashin));
      expect(status).toBe(403);
      expect(body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    expect(upstream(gw())).toEqual([]);
  });

  it('the same referenceId from another client app is a conflict, not a replay of their transfer', async () => {
    const input = MUTATIONS[0]!.variables().input;
    const mine = await gw().query(MUTATIONS[0]!.query, { input }, bearer(KEYS.all));
    expect(mine.body.data.createCashout.userErrors).toEqual([]);
    gw().clearLogs();
    const theirs = await gw().query(MUTATIONS[0]!.query, { input }, bearer(KEYS.other));
    expect(theirs.body.data.createCashout.cashout).toBeNull();
    expect(theirs.body.data.createCashout.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(upstream(gw())).toEqual([]);
  });
});

describe('a CLIENTS_FILE on disk', () => {
  it('is read with the keys as SHA-256 only; the gateway accepts the key whose hash is listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pasarela-clients-'));
    try {
      const file = join(dir, 'clients.json');
      await writeFile(file, JSON.stringify([{ name: 'shop', keySha256: sha256(KEYS.cashin), scopes: ['cashin'] }]));
      const registry = await ClientRegistry.fromFile(file);
      expect(registry.identify(KEYS.cashin)?.name).toBe('shop');
      expect(registry.identify(sha256(KEYS.cashin))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
