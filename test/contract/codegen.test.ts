/**
 * Typed client documents: src/generated/ is what `npm run codegen` produces from schema.graphql and
 * operations/*.graphql now, and the generated TypedDocumentNodes work against the running gateway the
 * way a real client uses them (printed, sent with typed variables, results read through their types).
 */
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createHash } from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import codegenConfig from '../../codegen.js';
import {
  DashboardDocument,
  NodeLookupDocument,
  TupayTransactionsDocument,
  type CurrencyCode,
  type DashboardQueryVariables,
  type Provider,
  type TransactionKind,
} from '../../src/generated/graphql.js';
import { useTestGateway } from '../helpers/gateway.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GENERATED = join(REPO, 'src/generated');

describe('src/generated', () => {
  it('is what the codegen produces now from schema.graphql and operations/', async () => {
    const outputs: { filename: string; content: string }[] = await generate({ ...codegenConfig, cwd: REPO, silent: true }, false);
    const expected = new Map(
      outputs.map((output) => [relative(GENERATED, isAbsolute(output.filename) ? output.filename : join(REPO, output.filename)), output.content]),
    );
    expect([...expected.keys()].sort(), 'the codegen writes these files').toContain('graphql.ts');
    // The persisted-documents manifest is compared like every other generated file.
    expect([...expected.keys()].sort(), 'the codegen writes the manifest').toContain('persisted-documents.json');

    const committed = new Map<string, string>();
    for (const name of await readdir(GENERATED)) committed.set(name, await readFile(join(GENERATED, name), 'utf8'));

    const stale = 'src/generated is stale: run `npm run codegen` and commit it';
    expect([...committed.keys()].sort(), stale).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) expect(committed.get(name), `${stale} (${name} differs)`).toBe(content);
  }, 30_000);
});

interface Result<TData> {
  status: number;
  data?: TData | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe('the generated documents, used as a client would', () => {
  const gw = useTestGateway();

  /** A minimal typed client: the variables and the result type come from the document. */
  async function execute<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<Result<TData>> {
    const response = await fetch(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: print(document), variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<Result<TData>, 'status'>) };
  }

  it('Dashboard: accounts with balances, the last TelePagos transactions with their sale points', async () => {
    const { status, data, errors } = await execute(DashboardDocument, { from: '2026-01-01', to: '2026-01-15' });
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    if (!data) throw new Error('no data');

    expectTypeOf(data.accounts[0]!.provider).toEqualTypeOf<Provider>();
    expectTypeOf(data.accounts[0]!.balance.amount).toEqualTypeOf<string>();
    expectTypeOf(data.accounts[0]!.balance.currency).toEqualTypeOf<CurrencyCode>();
    expect(data.accounts.map((account) => account.provider)).toEqual(['TELEPAGOS', 'TUPAY']);
    for (const account of data.accounts) {
      // Decimal travels as an exact string, never a float.
      expect(account.balance.amount).toMatch(/^-?\d+\.\d{2}$/);
      expect(account.balances).toContainEqual(account.balance);
    }

    const transactions = data.telepagos?.transactions;
    if (!transactions) throw new Error('no TelePagos transactions');
    expect(transactions.nodes.length).toBeGreaterThan(0);
    expect(transactions.nodes.length).toBeLessThanOrEqual(50);
    expect(transactions.totalCount).toBeGreaterThanOrEqual(transactions.nodes.length);
    const times = transactions.nodes.map((transaction) => Date.parse(transaction.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
    const withSalePoint = transactions.nodes.filter((transaction) => transaction.salePoint !== null);
    expect(withSalePoint.length).toBeGreaterThan(0);
    expect(withSalePoint[0]!.salePoint!.name).toEqual(expect.any(String));
  });

  it('TupayTransactions: a filtered page over a range, with a cursor for the next one', async () => {
    const kinds: TransactionKind[] = ['DEPOSIT'];
    const first = await execute(TupayTransactionsDocument, { from: '2026-01-01', to: '2026-01-15', first: 3, filter: { kinds } });
    expect(first.errors).toBeUndefined();
    const page = first.data?.account?.transactions;
    if (!page) throw new Error('no Tupay transactions');
    expectTypeOf(page.edges[0]!.node.kind).toEqualTypeOf<TransactionKind>();
    expect(page.edges).toHaveLength(3);
    expect(page.edges.every((edge) => edge.node.kind === 'DEPOSIT' && edge.node.direction === 'IN')).toBe(true);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.endCursor).toBe(page.edges[2]!.cursor);

    const second = await execute(TupayTransactionsDocument, {
      from: '2026-01-01',
      to: '2026-01-15',
      first: 3,
      after: page.pageInfo.endCursor,
      filter: { kinds },
    });
    expect(second.errors).toBeUndefined();
    const next = second.data?.account?.transactions.edges ?? [];
    expect(next.length).toBeGreaterThan(0);
    const seen = new Set(page.edges.map((edge) => edge.node.id));
    expect(next.some((edge) => seen.has(edge.node.id))).toBe(false);
  });

  it('NodeLookup: a sale point found again by the global id the dashboard returned', async () => {
    const dashboard = await execute(DashboardDocument, { from: '2026-01-01', to: '2026-01-15' });
    const salePoint = dashboard.data?.telepagos?.transactions.nodes.find((transaction) => transaction.salePoint)?.salePoint;
    if (!salePoint) throw new Error('no transaction with a sale point');

    const { data, errors } = await execute(NodeLookupDocument, { id: salePoint.id });
    expect(errors).toBeUndefined();
    const node = data?.node;
    if (node?.__typename !== 'SalePoint') throw new Error(`expected a SalePoint, got ${node?.__typename}`);
    // The union is narrowed by __typename: only SalePoint's fields are visible here.
    expectTypeOf(node.salePointStatus).toEqualTypeOf<string>();
    expect(node).toEqual({ __typename: 'SalePoint', id: salePoint.id, name: salePoint.name, salePointStatus: expect.any(String) });

    const unknown = await execute(NodeLookupDocument, { id: 'no-such-id' });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.node).toBeNull();
  });

  it('types the variables: a wrong one does not compile', () => {
    // Checked by `tsc --noEmit` (npm run typecheck): an unused @ts-expect-error is itself an error.
    // @ts-expect-error LocalDate travels as a string, not a number
    const wrong: DashboardQueryVariables = { from: 20260101, to: '2026-01-15' };
    // @ts-expect-error `to` is required
    const missing: DashboardQueryVariables = { from: '2026-01-01' };
    const right: DashboardQueryVariables = { from: '2026-01-01', to: '2026-01-15' };
    expect([wrong, missing, right]).toHaveLength(3);
  });
});

describe('the generated manifest (src/generated/persisted-documents.json), shipped as a client app would', () => {
  const KEY = 'pk_codegen_manifest_0123456789abcdef0123';
  const MANIFEST = join(GENERATED, 'persisted-documents.json');
  const gw = useTestGateway({
    clients: ClientRegistry.fromJson([
      { name: 'frontend', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read'], documents: 'trusted-only', manifests: [MANIFEST] },
    ]),
  });

  it('holds one entry per operation in operations/, keyed by the hash each generated document carries', async () => {
    const manifest = JSON.parse(await readFile(MANIFEST, 'utf8')) as Record<string, string>;
    const operations = (await readdir(join(REPO, 'operations'))).filter((name) => name.endsWith('.graphql'));
    expect(Object.keys(manifest)).toHaveLength(operations.length);
    const hash = (DashboardDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    expect(manifest[hash]).toMatch(/^query Dashboard\(\$from: LocalDate!, \$to: LocalDate!\) \{ /);
    expect(hash).toBe(`sha256:${createHash('sha256').update(manifest[hash]!).digest('hex')}`);
  });

  it('a trusted-only app with it runs every generated operation by documentId, and nothing else', async () => {
    const send = async (body: Record<string, unknown>) => {
      const response = await fetch(`${gw().url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, ...((await response.json()) as { data?: any; errors?: { extensions?: Record<string, unknown> }[] }) };
    };
    const documentId = (DashboardDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    const dashboard = await send({ documentId, variables: { from: '2026-01-01', to: '2026-01-15' } });
    expect(dashboard.errors).toBeUndefined();
    expect(dashboard.data.accounts.length).toBeGreaterThan(0);
    const free = await send({ query: '{ accounts { provider } }' });
    expect(free.status).toBe(403);
    expect(free.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });
});
