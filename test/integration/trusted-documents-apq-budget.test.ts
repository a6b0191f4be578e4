/**
 * APQ registrations are bounded in bytes, per app (issue 26, finding 4): a registration is accounted as
 * what its parsed document holds, one that would hold more than its share of the budget is refused, a
 * flood of distinct registrations stays within the app's APQ_MAX_BYTES, and one app's flood evicts
 * nothing of another app's. Over real HTTP, with the budget read from the gateway's metrics.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { DOCUMENTS_PER_BUDGET } from '../../src/graphql/apq-registrations.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const BUDGET = 1024 * 1024;
const KEYS = { flood: 'pk_apq_flood_0123456789abcdef01234567', steady: 'pk_apq_steady_0123456789abcdef0123456' };

let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-apq-budget-'));
  const file = join(dir, 'clients.json');
  // No manifests: both apps are `any`, so both may register.
  await writeFile(file, JSON.stringify(Object.entries(KEYS).map(([name, key]) => ({ name, keySha256: sha256(key), scopes: ['read'] }))));
  gw = await startTestGateway({ clients: await ClientRegistry.fromFile(file), clientsFile: file, env: { APQ_MAX_BYTES: String(BUDGET) } });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function post(key: string, body: Record<string, unknown>): Promise<Answer> {
  const response = await request(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: JSON.parse(await response.body.text()) };
}

const byHash = (text: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } });
const register = (key: string, text: string) => post(key, { query: text, ...byHash(text) });

async function metric(series: string): Promise<number | undefined> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length).trim());
}

/** Valid, within every text limit (16 KiB, 1,000 tokens), no provider call: 60 fields, about 40 kB parsed. */
const wide = (i: number) => `query Wide${i} { ${'__typename '.repeat(60)}}`;

describe('APQ registrations bounded in bytes, per app', () => {
  it('a document that would hold more than its share of the budget is refused (QUERY_TOO_COMPLEX, 400), and registers nothing', async () => {
    // 14 kB of text, but 7,000 comment tokens (the token limit does not count comments): close to 1 MB parsed.
    const padded = `query Padded { __typename }\n${'#\n'.repeat(7_000)}`;
    expect(Buffer.byteLength(padded)).toBeLessThan(16 * 1024);
    const answer = await register(KEYS.flood, padded);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(answer.body.errors?.[0]?.message).toContain(`the limit is ${BUDGET / DOCUMENTS_PER_BUDGET}`);
    expect((await post(KEYS.flood, byHash(padded))).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it("a flood of distinct registrations stays within the app's budget and evicts nothing of another app's", async () => {
    const steady = 'query Steady { __typename }';
    expect((await register(KEYS.steady, steady)).body.errors).toBeUndefined();

    // More registrations than any count bound the cache ever had (1,000), each tens of kB once parsed.
    const flood = 1_100;
    for (let i = 0; i < flood; i++) {
      const answer = await register(KEYS.flood, wide(i));
      expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    }

    const bytes = (await metric('pasarela_apq_registered_bytes{client="flood"}'))!;
    const documents = (await metric('pasarela_apq_registered_documents{client="flood"}'))!;
    expect(bytes).toBeGreaterThan(BUDGET / 2);
    expect(bytes).toBeLessThanOrEqual(BUDGET);
    // Each registration is accounted at well over 10 kB: the budget holds few of them.
    expect(documents).toBeGreaterThan(0);
    expect(documents).toBeLessThan(BUDGET / 10_000);
    // The latest are kept, the earliest dropped.
    expect((await post(KEYS.flood, byHash(wide(flood - 1)))).body.errors).toBeUndefined();
    expect((await post(KEYS.flood, byHash(wide(0)))).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    // The other app's registration survived the flood, and is its own: the flooding app cannot run it by hash.
    const kept = await post(KEYS.steady, byHash(steady));
    expect(kept.body.errors).toBeUndefined();
    expect(kept.body.data).toEqual({ __typename: 'Query' });
    expect(await metric('pasarela_apq_registered_documents{client="steady"}')).toBe(1);
    expect((await post(KEYS.flood, byHash(steady))).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  }, 120_000);
});
