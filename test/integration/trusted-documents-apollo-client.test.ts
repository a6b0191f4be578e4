/**
 * Automatic persisted queries with a real Apollo Client (`@apollo/client` 4 and its PersistedQueryLink,
 * from npm) in Node, over HTTP against a gateway with client apps from a CLIENTS_FILE:
 * - an `any` app: the link sends the hash alone, gets PERSISTED_QUERY_NOT_FOUND, sends hash and text
 *   (registration), and from then on the hash alone runs the document;
 * - a `trusted-only` app: a document of its manifest runs by hash at the first request, the text never
 *   sent; any other document cannot be registered (TRUSTED_DOCUMENT_REQUIRED) and nothing reaches the
 *   provider.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const KEYS = { any: 'pk_apq_any_0123456789abcdef0123456789', only: 'pk_apq_only_0123456789abcdef012345678' };

/** What BALANCE answers. */
type Balance = { account: { balance: { amount: string; currency: string } } | null };

const BALANCE: TypedDocumentNode<Balance> = gql`
  query ApqBalance {
    account(provider: TELEPAGOS) {
      balance {
        amount
        currency
      }
    }
  }
`;
const ACCOUNTS = gql`
  query ApqAccounts {
    accounts {
      provider
    }
  }
`;

/**
 * The text Apollo Client hashes and sends for a document: its cache's transform (it adds __typename),
 * printed. A team shipping a manifest for Apollo Client's link builds it from this text.
 */
const sentText = (document: DocumentNode) => print(new InMemoryCache().transformDocument(document));

let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-apq-'));
  const text = sentText(BALANCE);
  await writeFile(join(dir, 'app.json'), JSON.stringify({ [`sha256:${sha256(text)}`]: text }));
  const file = join(dir, 'clients.json');
  await writeFile(
    file,
    JSON.stringify([
      { name: 'web-any', keySha256: sha256(KEYS.any), scopes: ['read'], documents: 'any' },
      { name: 'web-only', keySha256: sha256(KEYS.only), scopes: ['read'], documents: 'trusted-only', manifests: ['app.json'] },
    ]),
  );
  gw = await startTestGateway({ clients: await ClientRegistry.fromFile(file), clientsFile: file });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await rm(dir, { recursive: true, force: true });
});

/** An Apollo Client with the persisted-queries link over Node's fetch, recording every body it sends. */
function apolloClient(key: string): { client: ApolloClient; sent: Record<string, any>[] } {
  const sent: Record<string, any>[] = [];
  const recording: typeof fetch = async (input, init) => {
    sent.push(JSON.parse(String(init?.body)));
    return fetch(input, init);
  };
  const link = new PersistedQueryLink({ sha256 }).concat(
    new HttpLink({ uri: `${gw.url}/graphql`, fetch: recording, headers: { authorization: `Bearer ${key}` } }),
  );
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), sent };
}

async function metric(series: string): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length).trim()) : 0;
}

describe('Apollo Client APQ, documents "any"', () => {
  it('registers on the first miss, then runs by hash alone', async () => {
    const hash = sha256(sentText(BALANCE));
    const first = apolloClient(KEYS.any);
    const { data } = await first.client.query({ query: BALANCE });
    expect(data?.account?.balance).toEqual({ __typename: 'Money', amount: expect.stringMatching(/^\d+\.\d{2}$/), currency: 'ARS' });
    // The round trip: the hash alone (PERSISTED_QUERY_NOT_FOUND), then the hash with the text.
    expect(first.sent).toHaveLength(2);
    expect(first.sent[0]).not.toHaveProperty('query');
    expect(first.sent[0]!.extensions.persistedQuery).toEqual({ version: 1, sha256Hash: hash });
    expect(first.sent[1]!.query).toBe(sentText(BALANCE));
    expect(first.sent[1]!.extensions.persistedQuery.sha256Hash).toBe(hash);
    expect(await metric('pasarela_persisted_documents_total{client="web-any",document="apq",operation="ApqBalance",outcome="registered"}')).toBe(1);

    // Another client (another browser): the gateway holds the document now, the hash alone is enough.
    const second = apolloClient(KEYS.any);
    const again = await second.client.query({ query: BALANCE });
    expect(again.data?.account?.balance.currency).toBe('ARS');
    expect(second.sent).toHaveLength(1);
    expect(second.sent[0]).not.toHaveProperty('query');
    expect(await metric('pasarela_persisted_documents_total{client="web-any",document="apq",operation="ApqBalance",outcome="hit"}')).toBe(1);
  });
});

describe('Apollo Client APQ, documents "trusted-only"', () => {
  it('a manifest document runs by hash at the first request; its text is never sent', async () => {
    const { client, sent } = apolloClient(KEYS.only);
    const { data } = await client.query({ query: BALANCE });
    expect(data?.account?.balance.currency).toBe('ARS');
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toHaveProperty('query');
  });

  it('any other document cannot be registered: TRUSTED_DOCUMENT_REQUIRED, nothing reaches the provider', async () => {
    const { client, sent } = apolloClient(KEYS.only);
    gw.clearLogs();
    const error = await client.query({ query: ACCOUNTS }).catch((e: unknown) => e);
    expect(CombinedGraphQLErrors.is(error), String(error)).toBe(true);
    expect((error as CombinedGraphQLErrors).errors[0]!.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    // The link tried: the hash alone, then the hash with the text (refused).
    expect(sent).toHaveLength(2);
    expect(sent[1]!.query).toBe(sentText(ACCOUNTS));
    expect(gw.sandboxes.telepagos.log.count() + gw.sandboxes.tupay.log.count()).toBe(0);

    // Still unknown, to this app and to the link of a fresh client.
    const fresh = apolloClient(KEYS.only);
    await expect(fresh.client.query({ query: ACCOUNTS })).rejects.toThrow();
    expect(fresh.sent[0]).not.toHaveProperty('query');
    expect(await metric('pasarela_trusted_documents_refused_total{client="web-only"}')).toBe(2);
  });
});
