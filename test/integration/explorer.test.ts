/**
 * The explorer page of EXPLORER over plain HTTP, and the CORS origins that depend on it (its behaviour in
 * a browser is test/browser/explorer.test.ts): the self-hosted GraphiQL loads only the gateway's own
 * files, Apollo Sandbox is one setting away, production has no page unless told, and Apollo Studio's
 * origins are allowed only while Apollo Sandbox is the explorer.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { withUnconstrainedTabs } from '../../src/explorer/assets.js';
import { AUTHORIZATION_PLACEHOLDER, KEY_PLACEHOLDER_HINT } from '../../src/explorer/index.js';
import { EXAMPLE_FILES, exampleTabs, type ExplorerTab } from '../../src/explorer/tabs.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const OPERATIONS = new URL('../../operations/', import.meta.url);
const STUDIO = 'https://studio.apollographql.com';
const EMBED = 'https://sandbox.embed.apollographql.com';
const APP = 'https://app.example.com';
const KEY = 'explorer-test-key-0123456789abcdef';
const clients = () => ClientRegistry.fromJson([{ name: 'frontend', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read'] }]);
const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  TELEPAGOS_WEBHOOK_SECRET: 'x-webhook-secret',
  TALO_WEBHOOK_SECRET: 'y-webhook-secret',
  TUPAY_WEBHOOK_SECRET: 'z-webhook-secret',
  CLIENTS_FILE: '/nonexistent',
  CORS_ORIGINS: APP,
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(url, { headers });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

const explorerPage = (gw: TestGateway) => get(`${gw.url}/graphql`, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });

/** The settings the GraphiQL page carries (#explorer-config). */
function pageConfig(html: string): { endpoint: string; tabs: ExplorerTab[]; headers?: string; keyPlaceholderHint: string; workers: Record<string, string> } {
  const json = /<script type="application\/json" id="explorer-config">(.*?)<\/script>/s.exec(html)?.[1];
  expect(json, 'the page carries its settings').toBeDefined();
  return JSON.parse(json!);
}

/** Origin allowed by a CORS preflight and by the actual POST. */
async function allowedOrigin(gw: TestGateway, origin: string): Promise<{ preflight: unknown; post: unknown }> {
  const preflight = await request(`${gw.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
  });
  await preflight.body.dump();
  const post = await gw.query('{ __typename }', undefined, { origin, authorization: `Bearer ${KEY}` });
  return { preflight: preflight.headers['access-control-allow-origin'], post: post.headers['access-control-allow-origin'] };
}

describe('EXPLORER=graphiql, the default outside production', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ providers: ['telepagos'] });
  }, 30_000);
  afterAll(() => gw.close());

  it('serves GraphiQL at GET /graphql to browsers, loading only files the gateway serves itself', async () => {
    const page = await explorerPage(gw);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="explorer">');
    expect(page.text).not.toMatch(/apollographql|cdn|unpkg|jsdelivr|googleapis/i);

    const { workers } = pageConfig(page.text);
    const linked = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    const files = [...linked, ...Object.values(workers)];
    expect(files).toHaveLength(8); // favicon, css, graphql-ws, graphiql, our script, three editor workers
    for (const file of files) {
      expect(file).toMatch(/^\/graphql\/explorer\/[0-9a-f]{16}\/[a-z.-]+$/);
      const asset = await get(`${gw.url}${file}`);
      expect(asset.status, file).toBe(200);
      expect(asset.headers['content-type']).toMatch(file.endsWith('.css') ? /^text\/css/ : file.endsWith('.ico') ? /^image\// : /^text\/javascript/);
      expect(asset.headers['cache-control']).toContain('immutable');
      // Nothing is fetched from elsewhere at run time: no stylesheet import, no font or script URL off the page's origin.
      expect(asset.text).not.toMatch(/@import\s|url\(\s*["']?https?:|<script[^>]+src=["']?https?:|fonts\.googleapis|cdn\.jsdelivr|unpkg\.com|esm\.sh/);
    }
  });

  it('loads a few operations/ examples as ready tabs with their required variables, and no headers when access is open', async () => {
    const { tabs, headers, endpoint } = pageConfig((await explorerPage(gw)).text);
    expect(endpoint).toBe('/graphql');
    expect(headers).toBeUndefined();
    // Few enough to fit the tab bar, each an operations/ file, in EXAMPLE_FILES' order (the dashboard first).
    const available = await readdir(OPERATIONS);
    expect(EXAMPLE_FILES.length).toBeLessThanOrEqual(5);
    expect(available).toEqual(expect.arrayContaining(EXAMPLE_FILES));
    expect(tabs.map((tab) => tab.query)).toEqual(await Promise.all(EXAMPLE_FILES.map((name) => readFile(new URL(name, OPERATIONS), 'utf8'))));
    expect(tabs[0]!.query).toContain('query Dashboard(');
    const dashboard = tabs.find((tab) => tab.query.includes('query Dashboard('))!;
    const variables = JSON.parse(dashboard.variables!);
    expect(Object.keys(variables)).toEqual(['from', 'to']);
    expect(variables.from < variables.to).toBe(true);
    // An operation without required variables gets none.
    const referenceData = tabs.find((tab) => tab.query.includes('query ReferenceData'))!;
    expect(referenceData.variables).toBeUndefined();
    // The example variables are valid: the dashboard runs with them.
    const run = await gw.query(dashboard.query, variables);
    expect(run.body.errors).toBeUndefined();
    expect(run.body.data.accounts.length).toBeGreaterThan(0);
  });

  it('answers GraphQL clients, not the page, when they ask for JSON', async () => {
    const answer = await get(`${gw.url}/graphql?query=${encodeURIComponent('{__typename}')}`, {
      accept: 'application/json',
      'apollo-require-preflight': 'true',
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('404s an unknown file or a stale version', async () => {
    const { workers } = pageConfig((await explorerPage(gw)).text);
    const base = workers.json!.replace(/\/[^/]+$/, '');
    expect((await get(`${gw.url}${base}/secrets.json`)).status).toBe(404);
    expect((await get(`${gw.url}${base.replace(/[0-9a-f]{16}$/, '0000000000000000')}/graphiql.js`)).status).toBe(404);
    expect((await get(`${gw.url}${base}/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it("serves GraphiQL with its tabs free of the tab bar's drag constraint (a press on a tab is a click)", async () => {
    const { workers } = pageConfig((await explorerPage(gw)).text);
    const graphiql = await get(`${gw.url}${workers.json!.replace(/[^/]+$/, 'graphiql.js')}`);
    expect(graphiql.status).toBe(200);
    expect(graphiql.text).toMatch(/jsxs?\([\w$]+,\{value:[\w$]+,isActive:/);
    expect(graphiql.text).not.toMatch(/dragConstraints:[\w$]+,value:[\w$]+,isActive:/);
    // A GraphiQL whose tabs are built otherwise is refused loudly, not served half-fixed.
    expect(() => withUnconstrainedTabs('H.jsxs(Tab,{value:t,isActive:a})')).toThrow(/GraphiQL's tabs are not where the explorer expects them \(0 matches\)/);
  });

  it("gives Apollo Studio's origins no CORS access (the self-hosted page is same-origin)", async () => {
    expect(await allowedOrigin(gw, STUDIO)).toEqual({ preflight: undefined, post: undefined });
  });
});

describe('with client apps (CLIENTS_FILE)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ providers: ['telepagos'], clients: clients() });
  }, 30_000);
  afterAll(() => gw.close());

  it('prefills the headers editor of every tab with an Authorization placeholder that says what to do', async () => {
    const { headers, tabs, keyPlaceholderHint } = pageConfig((await explorerPage(gw)).text);
    expect(headers).toBe(AUTHORIZATION_PLACEHOLDER);
    // JSON with a comment (as GraphiQL reads headers): the comment explains the placeholder in place.
    expect(headers).toMatch(/^\s*\/\/ An API key is required: replace <key>\n\s*\/\/ with yours\. Nothing is sent until then\.$/m);
    expect(JSON.parse(headers!.replace(/^\s*\/\/.*$/gm, ''))).toEqual({ Authorization: 'Bearer <key>' });
    for (const tab of tabs) expect(tab.headers).toBe(AUTHORIZATION_PLACEHOLDER);
    // What the page answers instead of sending the placeholder (test/browser checks that it does).
    expect(keyPlaceholderHint).toBe(KEY_PLACEHOLDER_HINT);
    expect(keyPlaceholderHint).toMatch(/^Nothing was sent: .*<key>.*Headers.*CLIENTS_FILE/);
  });

  it('is only a page: the operations it sends need a key like any client', async () => {
    const { tabs } = pageConfig((await explorerPage(gw)).text);
    const refused = await gw.query(tabs[0]!.query, JSON.parse(tabs[0]!.variables ?? '{}'), { authorization: 'Bearer <key>' });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const accepted = await gw.query('{ __typename }', undefined, { authorization: `Bearer ${KEY}` });
    expect(accepted.body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('EXPLORER=apollo-sandbox', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ providers: ['telepagos'], env: { EXPLORER: 'apollo-sandbox' } });
  }, 30_000);
  afterAll(() => gw.close());

  it("serves Apollo's embedded Sandbox page instead, and none of GraphiQL's files", async () => {
    const page = await explorerPage(gw);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('embeddable-sandbox');
    expect(page.text).not.toContain('explorer-config');
    expect((await get(`${gw.url}/graphql/explorer/0000000000000000/graphiql.js`)).status).toBe(404);
  });

  it("lets Apollo Studio's origins call the gateway", async () => {
    expect(await allowedOrigin(gw, STUDIO)).toEqual({ preflight: STUDIO, post: STUDIO });
    expect(await allowedOrigin(gw, EMBED)).toEqual({ preflight: EMBED, post: EMBED });
  });
});

describe('EXPLORER=off', () => {
  it('serves no explorer: a browser gets a static page saying it is off (test/integration/probed-paths.test.ts)', async () => {
    const gw = await startTestGateway({ providers: ['telepagos'], env: { EXPLORER: 'off' } });
    try {
      const page = await explorerPage(gw);
      expect(page.status).toBe(200);
      expect(page.text).toContain('The explorer is off here');
      expect(page.text).not.toMatch(/<script|id="explorer"|embeddable-sandbox/i);
    } finally {
      await gw.close();
    }
  });
});

describe('in production', () => {
  let unset: TestGateway;
  let sandbox: TestGateway;
  let graphiql: TestGateway;
  beforeAll(async () => {
    [unset, sandbox, graphiql] = await Promise.all([
      startTestGateway({ env: PRODUCTION_ENV, clients: clients() }),
      startTestGateway({ env: { ...PRODUCTION_ENV, EXPLORER: 'apollo-sandbox' }, clients: clients() }),
      startTestGateway({ env: { ...PRODUCTION_ENV, EXPLORER: 'graphiql' }, clients: clients() }),
    ]);
  }, 30_000);
  afterAll(() => Promise.all([unset?.close(), sandbox?.close(), graphiql?.close()]));

  it('serves no explorer unless EXPLORER says so', async () => {
    const page = await explorerPage(unset);
    expect(page.text).toContain('The explorer is off here');
    expect(page.text).not.toMatch(/<script|id="explorer"|embeddable-sandbox/i);
    expect((await explorerPage(sandbox)).text).toContain('embeddable-sandbox');
    expect((await explorerPage(graphiql)).text).toContain('<div id="explorer">');
  });

  it("allows only CORS_ORIGINS by default: Apollo Studio's origins get no Access-Control-Allow-Origin", async () => {
    expect(await allowedOrigin(unset, STUDIO)).toEqual({ preflight: undefined, post: undefined });
    expect(await allowedOrigin(unset, EMBED)).toEqual({ preflight: undefined, post: undefined });
    expect(await allowedOrigin(unset, APP)).toEqual({ preflight: APP, post: APP });
    expect(await allowedOrigin(unset, 'https://other.example.com')).toEqual({ preflight: undefined, post: undefined });
  });

  it("adds Apollo Studio's origins with EXPLORER=apollo-sandbox, and only then", async () => {
    expect(await allowedOrigin(sandbox, STUDIO)).toEqual({ preflight: STUDIO, post: STUDIO });
    expect(await allowedOrigin(sandbox, APP)).toEqual({ preflight: APP, post: APP });
    expect(await allowedOrigin(graphiql, STUDIO)).toEqual({ preflight: undefined, post: undefined });
    expect(await allowedOrigin(graphiql, APP)).toEqual({ preflight: APP, post: APP });
  });
});

describe('docs/explorer.md', () => {
  it('shows the key placeholder as the page serves it and names the file of every example tab', async () => {
    const page = await readFile(new URL('../../docs/explorer.md', import.meta.url), 'utf8');
    expect(page).toContain(AUTHORIZATION_PLACEHOLDER);
    for (const name of EXAMPLE_FILES) expect(page).toContain(`\`operations/${name}\``);
  });
});

describe('where the example tabs come from', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pasarela-explorer-tabs-'));
    await mkdir(join(root, 'build'));
    await writeFile(join(root, 'build', 'dashboard.graphql'), 'query Dashboard($from: LocalDate!) { __typename }\n');
    await writeFile(join(root, 'build', 'other.graphql'), 'query Other { __typename }\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("reads the listed files of the first folder that exists (the build's copy before the repository's), in list order", async () => {
    const tabs = await exampleTabs(
      'H',
      [join(root, 'absent'), join(root, 'build'), fileURLToPath(OPERATIONS)],
      ['missing.graphql', 'other.graphql', 'dashboard.graphql'],
    );
    expect(tabs).toEqual([
      { query: 'query Other { __typename }\n', variables: undefined, headers: 'H' },
      { query: 'query Dashboard($from: LocalDate!) { __typename }\n', variables: expect.stringContaining('"from"'), headers: 'H' },
    ]);
  });

  it('has no tabs when no folder exists', async () => {
    expect(await exampleTabs(undefined, [join(root, 'absent')])).toEqual([]);
  });
});
