/**
 * Abuse limits (src/graphql/limits.ts): each limit refuses a crafted query with QUERY_TOO_COMPLEX (or
 * BAD_USER_INPUT for argument bounds) before anything reaches a provider, over HTTP and over graphql-ws
 * alike, and every example operation users copy (operations/*.graphql, the README, docs/*.md, the query
 * `npm start` prints) passes them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { request } from 'undici';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS, validationRules } from '../../src/graphql/limits.js';
import { buildGatewaySchema } from '../../src/schema.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Example {
  source: string;
  document: string;
}

/** Every ```graphql block of a markdown file. */
function markdownExamples(file: string): Example[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match, i) => ({ source: `${file} block ${i + 1}`, document: match[1]! }));
}

/** The one-line operations of the `gql '…'` shell examples. */
function shellExamples(file: string): Example[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/\bgql '([^']+)'/g)].map((match, i) => ({ source: `${file} gql ${i + 1}`, document: match[1]! }));
}

/** The example `npm start` prints (src/main.ts EXAMPLE_QUERY), with its dates filled in. */
function startExample(): Example {
  const text = readFileSync(join(ROOT, 'src/main.ts'), 'utf8');
  const match = /const EXAMPLE_QUERY = `([\s\S]*?)`;/.exec(text);
  if (!match) throw new Error('src/main.ts no longer has EXAMPLE_QUERY: update this test');
  return {
    source: 'src/main.ts EXAMPLE_QUERY',
    document: match[1]!.replace(/\$\{daysAgo\((\d+)\)\}/g, (_, days: string) => (days === '0' ? '2026-01-15' : '2025-12-16')),
  };
}

const operationFiles = readdirSync(join(ROOT, 'operations')).filter((name) => name.endsWith('.graphql'));
const docs = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const EXAMPLES: Example[] = [
  ...operationFiles.map((name) => ({ source: `operations/${name}`, document: readFileSync(join(ROOT, 'operations', name), 'utf8') })),
  ...docs.flatMap(markdownExamples),
  ...docs.flatMap(shellExamples),
  startExample(),
];

const DATES = 'from: "2026-01-01", to: "2026-01-15"';
/** A Cashout global id (base64 of Cashout:TELEPAGOS:<n>): resolving one calls TelePagos. */
const cashoutId = (n: number) => Buffer.from(`Cashout:TELEPAGOS:${100_000 + n}`).toString('base64');

/** Crafted over-limit operations, each of which would call providers if it ran. */
const OVER_LIMIT: { limit: string; message: RegExp; query: string }[] = [
  {
    limit: `depth (${LIMITS.maxDepth})`,
    message: /depth limit of 8 exceeded, found 9/,
    query: `{ account(provider: TELEPAGOS) { balance { amount } transactions(${DATES}) { edges { node { salePoint { ... on SalePoint { ... on Node { ... on SalePoint { name } } } } } } } } }`,
  },
  {
    limit: `structural cost (${LIMITS.maxCost})`,
    message: /Cost limit of 20000 exceeded/,
    query: `{ ${[0, 1]
      .map(
        (
          i,
        ) => `page${i}: account(provider: TUPAY) { transactions(${DATES}, first: 100) { totalCount pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
          edges { cursor node { id kind direction status providerStatus operation createdAt amount { amount currency } counterparty { name cuit cbu document } salePoint { id name status } } } } }`,
      )
      .join(' ')} }`,
  },
  {
    limit: `aliases (${LIMITS.maxAliases})`,
    message: /Aliases limit of 15 exceeded, found 16/,
    query: `{ ${Array.from({ length: 16 }, (_, i) => `b${i}: account(provider: TELEPAGOS) { balance { amount } }`).join(' ')} }`,
  },
  {
    limit: `aliases (${LIMITS.maxAliases}), on a mutation: an alias storm of transfers`,
    message: /Aliases limit of 15 exceeded, found 16/,
    query: `mutation { ${Array.from(
      { length: 16 },
      (_, i) =>
        `t${i}: createCashout(input: { referenceId: "storm-${i}", alias: "pasarela.demo", cuit: "20123456786", amount: "1.00", concept: "VAR", description: "x" }) { cashout { id } }`,
    ).join(' ')} }`,
  },
  {
    limit: `directives (${LIMITS.maxDirectives})`,
    message: /Directives limit of 50 exceeded, found 51/,
    query: `{ account(provider: TELEPAGOS) { balance { ${'... on Money @include(if: true) { amount } '.repeat(51)} } } }`,
  },
  {
    limit: `tokens (${LIMITS.maxTokens})`,
    message: /more th.. 1000 tokens/,
    query: `{ account(provider: TELEPAGOS) { balance { ${'amount '.repeat(1000)} } } }`,
  },
  {
    limit: `upstream cost (${LIMITS.maxUpstreamCost})`,
    message: /cost about 102 provider calls; the limit is 60/,
    query: `{ accounts { transactions(${DATES}) { nodes { id } } } }`,
  },
  {
    limit: `upstream cost (${LIMITS.maxUpstreamCost}): nodes with more than 100 literal ids`,
    message: /cost about 101 provider calls/,
    query: `{ nodes(ids: [${Array.from({ length: 101 }, (_, i) => `"${cashoutId(i)}"`).join(', ')}]) { id } }`,
  },
  {
    limit: `document bytes (${LIMITS.maxDocumentBytes}): ten aliased nodes of 100 cash-in ids (34 KB, 1,000 provider calls if it ran)`,
    message: /over 16384 bytes/,
    query: `{ ${Array.from({ length: 10 }, (_, a) => `n${a}: nodes(ids: [${Array.from({ length: 100 }, (_, i) => `"${Buffer.from(`Cashin:TELEPAGOS:${9_001_000 + a * 100 + i}`).toString('base64')}"`).join(', ')}]) { id }`).join(' ')} }`,
  },
  {
    limit: `document bytes (${LIMITS.maxDocumentBytes})`,
    message: /over 16384 bytes/,
    query: `# ${'x'.repeat(LIMITS.maxDocumentBytes)}\n{ accounts { balance { amount } } }`,
  },
];

function upstreamCalls(gw: TestGateway): number {
  return gw.sandboxes.telepagos.log.count() + gw.sandboxes.talo.log.count() + gw.sandboxes.tupay.log.count();
}

describe('the examples users copy pass every limit', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it('finds the examples (operations/, README, docs/mutations.md, the start-up example)', () => {
    expect(operationFiles.length).toBeGreaterThanOrEqual(10);
    expect(EXAMPLES.filter((e) => e.source.startsWith('docs/mutations.md')).length).toBeGreaterThanOrEqual(8);
    expect(EXAMPLES.some((e) => e.source.startsWith('README.md'))).toBe(true);
  });

  it.each(EXAMPLES.map((e) => [e.source, e] as const))('%s is valid and within the limits', (_, example) => {
    const document = parse(example.document, { maxTokens: LIMITS.maxTokens });
    expect(Buffer.byteLength(example.document)).toBeLessThanOrEqual(LIMITS.maxDocumentBytes);
    expect(validate(schema, document, [...specifiedRules, ...validationRules()]).map((error) => error.message)).toEqual([]);
  });

  it.each(OVER_LIMIT.filter((c) => !c.limit.startsWith('document bytes')).map((c) => [c.limit, c] as const))(
    'the crafted %s query is refused by validation alone',
    (_, crafted) => {
      let messages: string[];
      try {
        messages = validate(schema, parse(crafted.query, { maxTokens: LIMITS.maxTokens }), validationRules()).map((error) => error.message);
      } catch (error) {
        messages = [(error as Error).message];
      }
      expect(messages.join('\n')).toMatch(crafted.message);
    },
  );
});

describe('over every transport', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  describe.each(TRANSPORTS)('over $name', (t) => {
    describe.each(OVER_LIMIT.map((c) => [c.limit, c] as const))('the %s limit', (_, crafted) => {
      it('refuses with QUERY_TOO_COMPLEX, runs nothing and calls no provider', async () => {
        const { status, body } = await t.send(gw(), crafted.query);
        if (t.name !== 'ws') expect(status).toBe(400);
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
        expect(body.errors?.map((e) => e.message).join('\n')).toMatch(crafted.message);
        expect(body.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
        expect(upstreamCalls(gw())).toBe(0);
      });
    });

    it.each([0, -1, 101])('refuses transactions(first: %i) as BAD_USER_INPUT at field first, with no provider call', async (first) => {
      const { body } = await t.send(gw(), `{ account(provider: TELEPAGOS) { transactions(${DATES}, first: ${first}) { totalCount } } }`);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.extensions?.field).toBe('first');
      expect(upstreamCalls(gw())).toBe(0);
    });

    it('refuses a huge first (100000) already while validating: the structural cost multiplies by it', async () => {
      const { body } = await t.send(gw(), `{ account(provider: TELEPAGOS) { transactions(${DATES}, first: 100000) { nodes { id } } } }`);
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(upstreamCalls(gw())).toBe(0);
    });

    it('accepts the bounds first: 1 and first: 100 (which do call the provider)', async () => {
      for (const first of [1, 100]) {
        const { body } = await t.send(gw(), `{ account(provider: TELEPAGOS) { transactions(${DATES}, first: ${first}) { nodes { id } } } }`);
        expect(body.errors).toBeUndefined();
        expect(body.data.account.transactions.nodes.length).toBeLessThanOrEqual(first);
        expect(body.data.account.transactions.nodes.length).toBeGreaterThan(0);
      }
      expect(upstreamCalls(gw())).toBeGreaterThan(0);
    });

    it('refuses nodes with more than 100 ids in a variable as BAD_USER_INPUT, with no provider call', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => cashoutId(i));
      const { body } = await t.send(gw(), 'query Many($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.extensions?.field).toBe('ids');
      expect(upstreamCalls(gw())).toBe(0);
    });

    it('runs the examples users copy without any limit refusing them', async () => {
      const sent = EXAMPLES.filter((e) => !/^\s*subscription\b/.test(e.document) && !/\$\w+\s*:/.test(e.document));
      expect(sent.length).toBeGreaterThanOrEqual(8);
      for (const example of sent) {
        const { status, body } = await t.send(gw(), example.document);
        if (t.name !== 'ws') expect(status, example.source).toBe(200);
        expect(body.data, example.source).toBeDefined();
        expect(body.errors?.filter((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX' || e.extensions?.code === 'BAD_USER_INPUT') ?? [], example.source).toEqual(
          [],
        );
      }
    });

    it('runs the operations/ documents with their variables (Dashboard, TupayTransactions, NodeLookup)', async () => {
      const file = (name: string) => readFileSync(join(ROOT, 'operations', name), 'utf8');
      const runs: [string, Record<string, unknown>][] = [
        ['dashboard.graphql', { from: '2026-01-01', to: '2026-01-15' }],
        ['tupay-transactions.graphql', { from: '2026-01-01', to: '2026-01-15', first: 100 }],
        ['node.graphql', { id: 'U2FsZVBvaW50OlRFTEVQQUdPUzox' }],
        ['reference-data.graphql', {}],
      ];
      for (const [name, variables] of runs) {
        const { status, body } = await t.send(gw(), file(name), variables);
        if (t.name !== 'ws') expect(status, name).toBe(200);
        expect(body.errors, name).toBeUndefined();
        expect(body.data, name).toBeTruthy();
      }
    });
  });
});

describe('over HTTP only', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  it('refuses an oversized query sent by GET as well (Node refuses a URL that long: 431), with no provider call', async () => {
    const query = `# ${'x'.repeat(LIMITS.maxDocumentBytes)}\n{ accounts { balance { amount } } }`;
    const response = await request(`${gw().url}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    const text = await response.body.text();
    expect([400, 431]).toContain(response.statusCode);
    expect(text).not.toContain('"data"');
    expect(upstreamCalls(gw())).toBe(0);
  });

  it('refuses a batched request (JSON array body) with no provider call', async () => {
    const response = await request(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ accounts { balance { amount } } }' }, { query: '{ salePoints { id } }' }]),
    });
    const text = await response.body.text();
    expect(response.statusCode).toBe(400);
    expect(text).not.toContain('"data"');
    expect(upstreamCalls(gw())).toBe(0);
  });
});
