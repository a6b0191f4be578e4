/**
 * Client apps and scopes: ClientRegistry (CLIENTS_FILE parsing, identify by key in constant time),
 * bearerKey, authenticate, and requiredScopes per operation.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import * as crypto from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { bearerKey, ClientRegistry, ClientsFileError } = await import('../../src/auth/clients.js');
const { MUTATION_SCOPES, requiredScopes } = await import('../../src/auth/scopes.js');
const { authenticate, OPEN_ACCESS_CLIENT } = await import('../../src/auth/requests.js');

const sha256 = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const entry = (name: string, key: string, scopes: string[] = ['read']) => ({ name, keySha256: sha256(key), scopes });

describe('ClientRegistry.fromJson', () => {
  it('reads name, key hash and scopes (hash case-insensitive), and an optional rate limit', () => {
    const registry = ClientRegistry.fromJson([
      entry('shop', 'key-shop', ['cashin']),
      { name: 'ops', keySha256: sha256('key-ops').toUpperCase(), scopes: ['read', 'cashin', 'cashout'], rateLimit: { perSecond: 5 } },
    ]);
    expect(registry.size).toBe(2);
    expect(registry.identify('key-shop')).toEqual({ name: 'shop', scopes: new Set(['cashin']), rateLimit: undefined });
    expect(registry.identify('key-ops')).toEqual({ name: 'ops', scopes: new Set(['read', 'cashin', 'cashout']), rateLimit: { perSecond: 5, burst: 5 } });
  });

  it('an empty list is a registry that knows nobody', () => {
    const registry = ClientRegistry.fromJson([]);
    expect(registry.size).toBe(0);
    expect(registry.identify('anything')).toBeUndefined();
  });

  it.each([
    ['not an array', { name: 'x' }, /JSON array/],
    ['an entry that is not an object', ['x'], /entry 0 must be an object/],
    ['a missing name', [{ keySha256: sha256('k'), scopes: [] }], /entry 0: name/],
    ['a name with spaces', [{ name: 'my app', keySha256: sha256('k'), scopes: [] }], /name must be/],
    ['a name longer than 64', [{ name: 'n'.repeat(65), keySha256: sha256('k'), scopes: [] }], /name must be/],
    ['a plain key instead of its hash', [{ name: 'x', keySha256: 'my-secret-key', scopes: [] }], /keySha256 must be 64 hex digits/],
    ['a hash of 63 digits', [{ name: 'x', keySha256: sha256('k').slice(1), scopes: [] }], /keySha256/],
    ['an unknown scope', [{ name: 'x', keySha256: sha256('k'), scopes: ['admin'] }], /scopes must be a list of read, cashin, cashout/],
    ['scopes not a list', [{ name: 'x', keySha256: sha256('k'), scopes: 'read' }], /scopes/],
    ['a bad rate limit', [{ name: 'x', keySha256: sha256('k'), scopes: [], rateLimit: { perSecond: 0 } }], /rateLimit/],
    ['two entries with one name', [entry('x', 'k1'), entry('x', 'k2')], /names must be unique/],
    ['two entries with one key', [entry('a', 'same-key', ['read']), entry('b', 'same-key', ['cashout'])], /keys must be unique/],
  ])('refuses %s with a ClientsFileError', (_name, json, message) => {
    expect(() => ClientRegistry.fromJson(json)).toThrow(ClientsFileError);
    expect(() => ClientRegistry.fromJson(json)).toThrow(message);
  });

  it('an error never echoes a key hash or a key', () => {
    const hash = sha256('k');
    try {
      ClientRegistry.fromJson([{ name: 'x', keySha256: hash, scopes: ['root'] }]);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(hash);
    }
  });
});

describe('ClientRegistry.fromFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pasarela-clients-unit-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a JSON file', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify([entry('shop', 'k-shop', ['cashin'])]));
    expect((await ClientRegistry.fromFile(file)).identify('k-shop')?.name).toBe('shop');
  });

  it('a missing file and invalid JSON are ClientsFileErrors that do not quote the content', async () => {
    await expect(ClientRegistry.fromFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot be read \(ENOENT\)/);
    const file = join(dir, 'bad.json');
    await writeFile(file, '[{"name": "x", "keySha256": "secret-ish"');
    const error = await ClientRegistry.fromFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientsFileError);
    expect((error as Error).message).toBe('CLIENTS_FILE is not valid JSON');
  });
});

describe('ClientRegistry.identify', () => {
  const registry = ClientRegistry.fromJson([entry('a', 'key-a', ['read']), entry('b', 'key-b', ['cashin']), entry('c', 'key-c', ['cashout'])]);

  it('the right key identifies its client; a wrong, near or empty key identifies nobody', () => {
    expect(registry.identify('key-b')?.name).toBe('b');
    expect(registry.identify('key-c')?.scopes).toEqual(new Set(['cashout']));
    for (const wrong of ['key-d', 'key-b ', 'KEY-B', 'key-', '', sha256('key-b')]) expect(registry.identify(wrong)).toBeUndefined();
  });

  it('the answer is a copy without the key hash', () => {
    const client = registry.identify('key-a')!;
    expect(Object.keys(client).sort()).toEqual(['name', 'rateLimit', 'scopes']);
    expect(JSON.stringify(client)).not.toContain(sha256('key-a'));
  });

  it('constant-time path: every entry is compared with timingSafeEqual, whether the key is first, last or unknown', () => {
    const fresh = ClientRegistry.fromJson([entry('a', 'key-a', ['read']), entry('b', 'key-b', ['cashin']), entry('c', 'key-c', ['cashout'])]);
    const compare = vi.mocked(crypto.timingSafeEqual);
    for (const key of ['key-a', 'key-c', 'unknown']) {
      compare.mockClear();
      fresh.identify(key);
      expect(compare).toHaveBeenCalledTimes(3);
      // Always equal-length digests: no early length mismatch path.
      for (const [x, y] of compare.mock.calls) expect((x as Buffer).length).toBe((y as Buffer).length);
    }
  });

  it('remembers recognized keys, never unknown ones', () => {
    const fresh = ClientRegistry.fromJson([entry('a', 'key-a', ['read']), entry('b', 'key-b', ['cashin'])]);
    const compare = vi.mocked(crypto.timingSafeEqual);
    expect(fresh.identify('key-b')?.name).toBe('b');
    compare.mockClear();
    expect(fresh.identify('key-b')?.name).toBe('b');
    expect(compare).not.toHaveBeenCalled();
    for (let i = 0; i < 2; i++) {
      compare.mockClear();
      expect(fresh.identify('not-a-key')).toBeUndefined();
      expect(compare).toHaveBeenCalledTimes(2);
    }
  });
});

describe('bearerKey', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['  Bearer   abc  ', 'abc'],
  ])('%j → %j', (header, key) => {
    expect(bearerKey(header)).toBe(key);
  });

  it.each([undefined, '', 'abc', 'Basic abc', 'Bearer', 'Bearer a b', `Bearer ${'k'.repeat(513)}`, 'Bearer clé'])('%j → no key', (header) => {
    expect(bearerKey(header)).toBeUndefined();
  });
});

describe('authenticate', () => {
  const registry = ClientRegistry.fromJson([entry('shop', 'key-shop', ['cashin'])]);

  it('without a registry everyone is the open-access client with every scope', () => {
    expect(authenticate(undefined, undefined)).toBe(OPEN_ACCESS_CLIENT);
    expect(OPEN_ACCESS_CLIENT.scopes).toEqual(new Set(['read', 'cashin', 'cashout']));
  });

  it('with a registry: the key identifies the client; missing or unknown → UNAUTHENTICATED (401)', () => {
    expect(authenticate(registry, 'Bearer key-shop').name).toBe('shop');
    for (const header of [undefined, 'key-shop', 'Bearer nope']) {
      try {
        authenticate(registry, header);
        expect.unreachable();
      } catch (error) {
        expect((error as { extensions: Record<string, unknown> }).extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
      }
    }
  });
});

describe('requiredScopes', () => {
  const operation = (document: string) => parse(document).definitions[0] as OperationDefinitionNode;

  it('queries and subscriptions need read', () => {
    expect(requiredScopes(operation('{ salePoints { id } }'))).toEqual(new Set(['read']));
    expect(requiredScopes(operation('query { __schema { types { name } } }'))).toEqual(new Set(['read']));
    expect(requiredScopes(operation('subscription { paymentEvents { id } }'))).toEqual(new Set(['read']));
  });

  it('every mutation has its scope: cashout for createCashout, cashin for the rest', () => {
    expect(MUTATION_SCOPES).toEqual({
      createCashout: 'cashout',
      createQrCharge: 'cashin',
      createTransferLink: 'cashin',
      createPaymentLink: 'cashin',
      createSalePoint: 'cashin',
      deleteSalePoint: 'cashin',
      createSalePointQrOrder: 'cashin',
      createPayment: 'cashin',
    });
    for (const [field, scope] of Object.entries(MUTATION_SCOPES)) {
      expect(requiredScopes(operation(`mutation { ${field}(input: {}) { userErrors { code } } }`))).toEqual(new Set([scope]));
    }
  });

  it('a mutation alone does not need read (a cashout-only key can send transfers)', () => {
    expect(requiredScopes(operation('mutation { createCashout(input: {}) { cashout { id } } }')).has('read')).toBe(false);
  });

  it('several mutations need the union; an alias does not hide the field', () => {
    expect(requiredScopes(operation('mutation { a: createQrCharge(input: {}) { qrCode } b: createCashout(input: {}) { cashout { id } } }'))).toEqual(
      new Set(['cashin', 'cashout']),
    );
  });

  it('an unknown mutation field needs cashout (fails closed)', () => {
    expect(requiredScopes(operation('mutation { somethingNew { id } }'))).toEqual(new Set(['cashout']));
  });

  it('fragments on Mutation need every mutation scope', () => {
    expect(requiredScopes(operation('mutation { ...M }'))).toEqual(new Set(['cashin', 'cashout']));
    expect(requiredScopes(operation('mutation { ... on Mutation { createQrCharge(input: {}) { qrCode } } }'))).toEqual(new Set(['cashin', 'cashout']));
  });

  it('__typename alone needs nothing', () => {
    expect(requiredScopes(operation('mutation { __typename }'))).toEqual(new Set());
  });
});
