/**
 * Fuzz: a few thousand random and malformed GraphQL documents, variables, bodies and content types, and
 * random webhook bodies and headers, from a fixed seed. The gateway answers every one with a
 * well-formed 2xx/4xx (never a 500), calls no provider for a request it refuses, keeps serving, and its
 * heap does not grow from one round to the next.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const FIELDS = [
  'accounts',
  'account',
  'balance',
  'balances',
  'transactions',
  'nodes',
  'node',
  'edges',
  'salePoints',
  'staticQr',
  'paymentConcepts',
  'cashout',
  'cashin',
  'payment',
  'statistics',
  'id',
  'amount',
  'currency',
  'provider',
  'createCashout',
  'input',
  '__typename',
  '__schema',
  'types',
  'name',
  'noSuchField',
  'voucher',
  'totalCount',
];
const PUNCTUATION = ['{', '}', '(', ')', '[', ']', ':', '$', '!', '=', '@', '...', '|', '&', ',', '#', '"', '"""', '\\'];
const VALUES = [
  'TELEPAGOS',
  'TUPAY',
  'TALO',
  'NOPE',
  'true',
  'null',
  '0',
  '-1',
  '1e999',
  '9'.repeat(400),
  '"2026-01-01"',
  '"x"',
  '"\\u0000"',
  '"\\uD800"',
  '"\u202e"',
  '"🙂"',
  '[]',
  '{}',
  '$v',
  '0x10',
  '.5',
];
const KEYWORDS = [
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'schema',
  'type',
  'extend',
  'directive',
  '@include(if: true)',
  '@skip(if: $v)',
  '@deprecated',
];
const WEIRD_STRINGS = [
  '\ud800',
  '\udfff',
  '\u0000',
  '\u2028',
  '\uffff',
  '\u202e',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'é'.normalize('NFD'),
  '"; DROP TABLE',
  '<script>',
  '../../etc/passwd',
  '%00',
  '',
];

function randomScalar(rng: Rng): unknown {
  switch (rng.int(10)) {
    case 0:
      return rng.next() * 1e308 * (rng.next() < 0.5 ? -1 : 1);
    case 1:
      return rng.int(3) === 0 ? Number.MAX_SAFE_INTEGER : -rng.int(1e9);
    case 2:
      return rng.next() < 0.5;
    case 3:
      return null;
    case 4:
      return rng.pick(WEIRD_STRINGS).repeat(1 + rng.int(50));
    case 5:
      return 'x'.repeat(rng.int(5000));
    case 6:
      return rng.pick(VALUES);
    default:
      return rng.pick(FIELDS);
  }
}

function randomJson(rng: Rng, depth = 0): unknown {
  if (depth > 4 || rng.next() < 0.4) return randomScalar(rng);
  if (rng.next() < 0.5) return Array.from({ length: rng.int(6) }, () => randomJson(rng, depth + 1));
  return Object.fromEntries(
    Array.from({ length: rng.int(6) }, () => [rng.next() < 0.5 ? rng.pick(FIELDS) : String(randomScalar(rng)).slice(0, 20), randomJson(rng, depth + 1)]),
  );
}

/** A document that is almost GraphQL: random tokens, unbalanced braces, deep nesting, unknown fields. */
function randomDocument(rng: Rng): string {
  switch (rng.int(8)) {
    case 0: // token soup
      return Array.from({ length: 1 + rng.int(60) }, () => rng.pick([...FIELDS, ...PUNCTUATION, ...VALUES, ...KEYWORDS])).join(rng.pick([' ', '', '\n', '\t']));
    case 1: {
      // deep nesting, balanced or not
      const depth = 1 + rng.int(400);
      const open = `{ ${rng.pick(FIELDS)} `.repeat(depth);
      return open + '}'.repeat(rng.next() < 0.5 ? depth + 1 : rng.int(depth));
    }
    case 2: // a real query with one token broken
      return `{ account(provider: ${rng.pick(VALUES)}) { ${rng.pick(FIELDS)} { ${rng.pick(FIELDS)} } ${rng.pick(PUNCTUATION)} }`;
    case 3: // variables declared with random types
      return `query Q($v: ${rng.pick(['Int', 'String!', 'Provider!', '[ID!]!', 'CreateCashoutInput!', 'LocalDate!', 'Decimal', 'Nope'])}) { ${rng.pick([
        'account(provider: $v) { id }',
        'nodes(ids: $v) { id }',
        'createCashout(input: $v) { cashout { id } }',
        'statistics(period: $v) { period }',
        'account(provider: TUPAY) { transactions(from: $v, to: $v, first: $v) { totalCount } }',
      ])} }`;
    case 4: // a mutation with malformed input
      return `mutation { createCashout(input: { referenceId: ${JSON.stringify(String(randomScalar(rng)).slice(0, 80))}, cuit: "${rng.int(1e11)}", cbu: "${rng.int(1e9)}${rng.int(1e9)}", amount: "${rng.pick(['-1', '0', '1e9', 'NaN', '1.234', 'x'])}", concept: "", description: "" }) { cashout { id } userErrors { code } } }`;
    case 5: // random unicode and control characters
      return Array.from({ length: 1 + rng.int(200) }, () => String.fromCharCode(rng.int(0x10000))).join('');
    case 6: // many aliases, directives or fragments
      return `{ ${Array.from({ length: rng.int(40) }, (_, i) => `a${i}: ${rng.pick(FIELDS)}${rng.next() < 0.3 ? ' @include(if: true)' : ''}`).join(' ')} } ${rng.next() < 0.5 ? 'fragment F on Query { ...F }' : ''}`;
    default: // huge numbers and strings as arguments
      return `{ nodes(ids: [${Array.from({ length: rng.int(150) }, () => JSON.stringify(String(randomScalar(rng)).slice(0, 30))).join(',')}]) { id } statistics(period: ${rng.pick(VALUES)}) { period } }`;
  }
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/graphql',
  'application/graphql-response+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=latin1',
  '',
];

interface FuzzRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** GraphQL requests may be valid and run; webhooks here are never authentic. */
  kind: 'graphql' | 'webhook';
}

function randomGraphqlRequest(rng: Rng): FuzzRequest {
  const headers: Record<string, string> = {};
  if (rng.next() < 0.2)
    headers['x-request-id'] =
      String(randomScalar(rng))
        .replace(/[^\x21-\x7e]/g, '')
        .slice(0, 80) || 'x';
  if (rng.next() < 0.1)
    headers.authorization = `Bearer ${String(randomScalar(rng))
      .replace(/[^\x21-\x7e]/g, '')
      .slice(0, 600)}`;
  if (rng.next() < 0.1) {
    const query = new URLSearchParams({ query: randomDocument(rng).slice(0, 2000), variables: JSON.stringify(randomJson(rng)).slice(0, 500) });
    return { kind: 'graphql', method: 'GET', path: `/graphql?${query}`, headers: { ...headers, 'apollo-require-preflight': 'true' } };
  }
  // Mostly JSON, so most requests get past the body parser into Apollo.
  const type = rng.next() < 0.75 ? 'application/json' : rng.pick(CONTENT_TYPES);
  if (type) headers['content-type'] = type;
  let body: string | Buffer;
  switch (rng.int(6)) {
    case 0:
      body = JSON.stringify(randomJson(rng));
      break;
    case 1:
      body = Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256)));
      break;
    case 2:
      body = JSON.stringify({ query: randomDocument(rng) }).slice(0, rng.next() < 0.2 ? rng.int(200) : undefined);
      break;
    default:
      body = JSON.stringify({
        query: rng.next() < 0.1 ? randomScalar(rng) : randomDocument(rng),
        variables: rng.next() < 0.5 ? { v: randomJson(rng) } : randomJson(rng),
        ...(rng.next() < 0.2 ? { operationName: randomScalar(rng) } : {}),
        ...(rng.next() < 0.1 ? { extensions: randomJson(rng) } : {}),
      });
  }
  return { kind: 'graphql', method: 'POST', path: '/graphql', headers, body };
}

function randomWebhookRequest(rng: Rng): FuzzRequest {
  const path = rng.pick([
    '/webhooks/telepagos',
    `/webhooks/talo/${
      encodeURIComponent(
        String(randomScalar(rng))
          .slice(0, 100)
          .replace(/[\ud800-\udfff]/g, '_'),
      ) || 'x'
    }`,
    '/webhooks/talo/',
    '/webhooks/tupay',
  ]);
  const headers: Record<string, string> = { 'content-type': rng.pick(CONTENT_TYPES) || 'application/json' };
  if (rng.next() < 0.5)
    headers['x-signature'] =
      rng.next() < 0.5
        ? 'a'.repeat(64)
        : String(randomScalar(rng))
            .replace(/[^\x21-\x7e]/g, '')
            .slice(0, 200) || 'x';
  if (rng.next() < 0.3) headers['x-login'] = rng.pick(['pasarela-sandbox', 'someone', '']) || 'x';
  if (path === '/webhooks/telepagos' && rng.next() < 0.4) {
    // Authentic (signed with the sandbox secret) but never a well-formed notice: refused after authentication.
    const raw = rng.next() < 0.7 ? JSON.stringify(randomJson(rng)) : Buffer.from(Array.from({ length: rng.int(200) }, () => rng.int(256)));
    return {
      kind: 'webhook',
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', 'x-signature': telepagosSignature(raw, SANDBOX_CREDENTIALS.telepagos.webhookSecret) },
      body: raw,
    };
  }
  const body = rng.pick([
    () => JSON.stringify(randomJson(rng)),
    () => JSON.stringify({ event: rng.pick(['cashin.credited', 'cashout.updated', 'x']), id: randomScalar(rng), status: randomScalar(rng) }),
    () => JSON.stringify({ paymentId: randomScalar(rng), externalId: randomScalar(rng), status: randomScalar(rng), message: randomScalar(rng) }),
    () => Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256))),
    () => '{"unterminated": ',
  ])();
  return { kind: 'webhook', method: 'POST', path, headers, body };
}

/** Requests per round; three rounds. */
const ROUND = 1200;

function upstreamCalls(gw: TestGateway): number {
  return gw.sandboxes.telepagos.log.count() + gw.sandboxes.talo.log.count() + gw.sandboxes.tupay.log.count();
}

/** Node's gc, even without --expose-gc. */
function collectGarbage(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('fuzz', () => {
  const gw = useTestGateway();
  const problems: string[] = [];
  let answered = 0;
  let executed = 0;

  async function round(seed: number, count: number): Promise<void> {
    const rng = prng(seed);
    for (let i = 0; i < count; i++) {
      const fuzz = rng.next() < 0.8 ? randomGraphqlRequest(rng) : randomWebhookRequest(rng);
      const before = upstreamCalls(gw());
      let status: number;
      let text: string;
      try {
        const response = await request(`${gw().url}${fuzz.path}`, {
          method: fuzz.method,
          headers: fuzz.headers,
          body: fuzz.body,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        problems.push(`seed ${seed} #${i} ${fuzz.method} ${fuzz.path}: no answer (${(error as Error).message})`);
        continue;
      }
      answered += 1;
      const describe = () => `seed ${seed} #${i} ${fuzz.method} ${fuzz.path.slice(0, 60)} → ${status} ${text.slice(0, 160)}`;
      if (status >= 500 || status < 200) problems.push(`server error: ${describe()}`);
      let ran = false;
      if (fuzz.kind === 'graphql' && text) {
        try {
          const body = JSON.parse(text) as { data?: unknown };
          ran = body.data !== undefined && body.data !== null;
        } catch {
          problems.push(`not JSON: ${describe()}`);
        }
      }
      if (ran) executed += 1;
      // A request that was refused (or any webhook, none being authentic) must not reach a provider.
      if (!ran && upstreamCalls(gw()) !== before) problems.push(`provider called for a refused request: ${describe()}`);
      if (ran && status !== 200) problems.push(`ran but answered ${describe()}`);
    }
  }

  it('answers every malformed request with a 2xx/4xx, calls no provider for refused ones, and keeps serving', async () => {
    const gc = collectGarbage();
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    await round(1, ROUND); // warm-up: JIT, caches, tokens
    const afterFirst = heap();
    await round(2, ROUND);
    await round(3, ROUND);
    const afterThird = heap();

    expect(problems).toEqual([]);
    expect(answered).toBe(3 * ROUND);
    // Some fuzzed documents are valid and ran: the fuzz also exercised execution, not only refusals.
    expect(executed).toBeGreaterThan(0);
    // Two more rounds of 1,200 requests: a leak of even 7 KB a request would add 16 MB.
    expect(afterThird - afterFirst).toBeLessThan(16 * 1024 * 1024);

    // Still serving.
    const health = await request(`${gw().url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    const { body } = await gw().query('{ salePoints { name } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.salePoints.length).toBeGreaterThan(0);
  }, 60_000);
});
