/**
 * The self-hosted explorer in a real browser: headless Chromium (Debian's `chromium` package, installed
 * by .ci/run) driven by playwright-core, with the network limited to loopback — every request off
 * 127.0.0.1/localhost is recorded and refused, and Chromium resolves no other host name. Through the UI
 * it runs a query (and reads the result and the X-Request-Id status line), opens the docs, runs a
 * subscription and sees a Talo payment's settlement arrive, with client apps configured (the key typed
 * into the headers editor is what authenticates both HTTP and WebSocket).
 *
 * EXPLORER_SCREENSHOT=docs/explorer.png npx vitest run test/browser/explorer.test.ts  refreshes the
 * README's screenshot.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ClientRegistry } from '../../src/auth/clients.js';
import { KEY_PLACEHOLDER_HINT } from '../../src/explorer/index.js';
import { EXAMPLE_FILES } from '../../src/explorer/tabs.js';
import type { MemoryEventBus } from '../../src/events/bus.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'browser-test-key-0123456789abcdef';
const AUTHORIZATION = `Bearer ${KEY}`;
const clients = ClientRegistry.fromJson([{ name: 'frontend', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read', 'cashin'] }]);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const ACCOUNTS = 'query Providers {\n  accounts {\n    provider\n    balance {\n      currency\n    }\n  }\n}\n';
const EVENTS = 'subscription TaloEvents {\n  paymentEvents(provider: TALO) {\n    type\n    payment {\n      id\n      status\n    }\n  }\n}\n';
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id } userErrors { message } } }`;

/**
 * The text of a Monaco editor as it is rendered now (it renders spaces as no-break spaces). Monaco draws
 * its lines in a later animation frame than the change that fills or shows the editor, so a check on it
 * waits for the text (expect.poll), never reads it once.
 */
async function editorText(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Replaces an editor's whole text, as a user selecting all and pasting (typed text would get Monaco's
 * auto-closed brackets and auto-indentation).
 */
async function replaceText(page: Page, editor: Locator, text: string): Promise<void> {
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  await expect.poll(() => editorText(editor)).toBe(text.replace(/\n$/, ''));
}

/** What a page sent and logged: its POST /graphql requests (with their Authorization) and responses, console errors. */
interface Traffic {
  posts: { authorization: string | undefined }[];
  requestIds: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

function track(page: Page): Traffic {
  const traffic: Traffic = { posts: [], requestIds: [], consoleErrors: [], pageErrors: [] };
  const isGraphqlPost = (method: string, url: string) => method === 'POST' && new URL(url).pathname === '/graphql';
  page.on('request', (request) => {
    if (isGraphqlPost(request.method(), request.url())) traffic.posts.push({ authorization: request.headers()['authorization'] });
  });
  page.on('response', async (response) => {
    if (isGraphqlPost(response.request().method(), response.url())) traffic.requestIds.push((await response.headerValue('x-request-id')) ?? '');
  });
  page.on('console', (message) => {
    if (message.type() === 'error') traffic.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => traffic.pageErrors.push(error.message));
  return traffic;
}

/** The tab bar's scroll state and whether the active tab lies wholly inside its visible part. */
function tabBar(page: Page): Promise<{ overflows: boolean; scrollLeft: number; activeInView: boolean; activeIndex: number; count: number }> {
  return page.locator('.graphiql-tabs').evaluate((bar) => {
    const tabs = [...bar.querySelectorAll('[role="tab"]')];
    const active = tabs.findIndex((tab) => tab.getAttribute('aria-selected') === 'true');
    const shown = bar.getBoundingClientRect();
    const tab = tabs[active]?.getBoundingClientRect();
    return {
      overflows: bar.scrollWidth > bar.clientWidth,
      scrollLeft: bar.scrollLeft,
      activeInView: !!tab && tab.left >= shown.left - 1 && tab.right <= shown.right + 1,
      activeIndex: active,
      count: tabs.length,
    };
  });
}

describe('the self-hosted GraphiQL in headless Chromium, offline', () => {
  const gw = useTestGateway({ publicUrlIsGateway: true, sandboxes: { now: new Date() }, clients });
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the page asked for, and those off loopback (refused). */
  const requested: string[] = [];
  const offLoopback: string[] = [];
  const pageErrors: string[] = [];
  /** X-Request-Id of each POST /graphql response the page received. */
  const requestIds: string[] = [];

  /** A browser context (its own storage: GraphiQL keeps tabs there) that records every URL and refuses those off loopback. */
  async function loopbackContext(): Promise<BrowserContext> {
    const created = await browser.newContext({ viewport: { width: 1440, height: 860 }, permissions: ['clipboard-read', 'clipboard-write'] });
    await created.route('**/*', (route) => {
      const url = new URL(route.request().url());
      requested.push(url.href);
      if (LOOPBACK.has(url.hostname)) return route.continue();
      offLoopback.push(url.href);
      return route.abort('internetdisconnected');
    });
    // WebSockets are not routed: record them (and refuse any off loopback) separately.
    await created.routeWebSocket(/.*/, (ws) => {
      const url = new URL(ws.url());
      requested.push(url.href);
      if (!LOOPBACK.has(url.hostname)) {
        offLoopback.push(url.href);
        return ws.close();
      }
      ws.connectToServer();
    });
    created.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.protocol !== 'blob:' && !LOOPBACK.has(url.hostname)) offLoopback.push(url.href);
    });
    return created;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see .ci/run)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // No name resolves except loopback's, whatever the page or a worker tries.
      args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1', '--no-sandbox'],
    });
    context = await loopbackContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', async (response) => {
      if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/graphql')
        requestIds.push((await response.headerValue('x-request-id')) ?? '');
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('runs a query, shows the docs and the last X-Request-Id, and streams a subscription, all from loopback', async () => {
    await page.goto(`${gw().url}/graphql`);
    // The example operations are ready tabs; the headers editor holds the placeholder.
    await page.getByRole('tab', { name: 'Dashboard' }).waitFor({ timeout: 15_000 });
    await page.getByRole('tab', { name: 'ReferenceData' }).waitFor();
    const toolEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
    await expect.poll(() => editorText(toolEditor)).toContain('"from"');
    await page.getByRole('button', { name: 'Headers' }).click();
    await expect.poll(() => editorText(toolEditor)).toContain('"Authorization": "Bearer <key>"');

    // A query of our own in a new tab, with the real key.
    await page.getByRole('button', { name: 'New tab' }).click();
    await replaceText(page, page.locator('.graphiql-query-editor'), ACCOUNTS);
    await page.getByRole('button', { name: 'Headers' }).click();
    await replaceText(page, toolEditor, JSON.stringify({ Authorization: AUTHORIZATION }));
    await page.getByRole('button', { name: /^Execute query/ }).click();
    const response = page.locator('.graphiql-response');
    for (const provider of ['"TELEPAGOS"', '"TUPAY"']) await expect.poll(() => editorText(response), { timeout: 10_000 }).toContain(provider);
    // The whole result is drawn at once, and `errors` comes before `data`: with the providers shown, an
    // error would be too.
    expect(await editorText(response)).not.toContain('errors');
    // The status line shows the X-Request-Id of the last response (the page's response handler records
    // it asynchronously: wait for both to agree, then use that one id).
    const status = page.locator('#explorer-request-id');
    const shownId = await waitFor('the status line to show the last X-Request-Id', async () => {
      const shown = await status.getAttribute('data-request-id');
      return shown && shown === requestIds.at(-1) ? shown : undefined;
    });
    expect(shownId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await status.innerText()).toBe(`X-Request-Id: ${shownId}`);

    // The docs, from the schema fetched again with the key.
    await page.getByRole('button', { name: /Re-fetch GraphQL schema/ }).click();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-plugin');
    await docs.getByText('Query', { exact: true }).first().click({ timeout: 10_000 });
    await docs.getByText('accounts', { exact: true }).first().waitFor({ timeout: 10_000 });
    if (process.env.EXPLORER_SCREENSHOT) await page.screenshot({ path: process.env.EXPLORER_SCREENSHOT });

    // A subscription over graphql-transport-ws, authenticated with the headers editor's key.
    await page.getByRole('button', { name: 'New tab' }).click();
    await replaceText(page, page.locator('.graphiql-query-editor'), EVENTS);
    await page.getByRole('button', { name: 'Headers' }).click();
    await replaceText(page, toolEditor, JSON.stringify({ Authorization: AUTHORIZATION }));
    await page.getByRole('button', { name: /^Execute query/ }).click();
    const bus = gw().gateway.events as MemoryEventBus;
    await expect.poll(() => bus.subscriberCount, { timeout: 10_000 }).toBe(1);

    const created = await gw().query(
      CREATE_PAYMENT,
      { input: { price: { amount: '1234.00', currency: 'ARS' }, externalId: `explorer-${process.pid}`, redirectUrl: 'https://shop.example/thanks' } },
      { authorization: AUTHORIZATION },
    );
    expect(created.body.data.createPayment.userErrors).toEqual([]);
    const paymentId: string = created.body.data.createPayment.payment.id;
    const localId = Buffer.from(paymentId, 'base64url').toString().split(':')[2]!;
    const settled = await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${localId}/settle`);
    expect(settled.status).toBe(201);
    // The response pane wraps long lines: compare without whitespace.
    await expect
      .poll(async () => (await editorText(response)).replace(/\s+/g, ''), { timeout: 10_000 })
      .toContain(`{"type":"PAYMENT_UPDATED","payment":{"id":"${paymentId}","status":"SUCCESS"}}`);

    expect(pageErrors).toEqual([]);
    expect(requested.some((url) => url.startsWith(`${gw().wsUrl}`))).toBe(true);
    // The page's four files and Monaco's workers, which it starts in the background.
    await expect.poll(() => requested.filter((url) => url.includes('/graphql/explorer/')).length).toBeGreaterThanOrEqual(5);
    expect(offLoopback).toEqual([]);
  }, 60_000);

  it('explains the key placeholder in place and sends nothing with it: no stack trace, no console error', async () => {
    const isolated = await loopbackContext();
    const fresh = await isolated.newPage();
    const traffic = track(fresh);
    try {
      await fresh.goto(`${gw().url}/graphql`);
      await fresh.getByRole('tab', { name: 'Dashboard' }).waitFor({ timeout: 15_000 });
      // The first screen: the schema is not fetched with the placeholder; the response pane says what to do.
      const response = fresh.locator('.graphiql-response');
      const flat = async () => (await editorText(response)).replace(/\s+/g, ' ');
      await expect.poll(flat, { timeout: 10_000 }).toContain(KEY_PLACEHOLDER_HINT.replace(/\s+/g, ' '));
      expect(await flat()).not.toMatch(/stacktrace|Unknown API key/);
      // The headers editor explains the placeholder where it is.
      const toolEditor = fresh.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
      await fresh.getByRole('button', { name: 'Headers' }).click();
      await expect.poll(() => editorText(toolEditor)).toContain('// An API key is required: replace <key>\n  // with yours. Nothing is sent until then.');
      await expect.poll(() => editorText(toolEditor)).toContain('"Authorization": "Bearer <key>"');
      // Running the tab with the placeholder answers the hint; with the key, the same tab runs.
      await fresh.getByRole('button', { name: /^Execute query/ }).click();
      await expect.poll(flat).toContain('Nothing was sent');
      await replaceText(fresh, toolEditor, JSON.stringify({ Authorization: AUTHORIZATION }));
      await fresh.getByRole('button', { name: /^Execute query/ }).click();
      await expect.poll(flat, { timeout: 10_000 }).toContain('"accounts": [');
      // Only the run with the key reached the gateway: the placeholder never left the page.
      expect(traffic.posts).toEqual([{ authorization: AUTHORIZATION }]);
      expect(await fresh.locator('#explorer-request-id').getAttribute('data-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(traffic.consoleErrors).toEqual([]);
      expect(traffic.pageErrors).toEqual([]);
      expect(offLoopback).toEqual([]);
    } finally {
      await isolated.close();
    }
  }, 60_000);

  it('fits its few example tabs, scrolls the tab bar to a new tab, and switches tabs on every click (run, result)', async () => {
    const isolated = await loopbackContext();
    const fresh = await isolated.newPage();
    const traffic = track(fresh);
    try {
      await fresh.goto(`${gw().url}/graphql`);
      // The tabs by position: GraphiQL may retitle a tab it leaves with the operation name it last
      // parsed (another tab's), never its text, so the query editor tells which tab is shown.
      await fresh.getByRole('tab', { name: 'Dashboard' }).waitFor({ timeout: 15_000 });
      expect(await fresh.getByRole('tab').allInnerTexts()).toEqual(['Dashboard', 'Activity', 'PaymentById', 'ReferenceData']);
      expect(await tabBar(fresh)).toMatchObject({ count: EXAMPLE_FILES.length, overflows: false, activeIndex: 0 });
      const dashboard = fresh.getByRole('tab').nth(0);
      const referenceData = fresh.getByRole('tab').nth(3);

      // The key in the two tabs this test runs (each tab has its own headers), each run once with it
      // (GraphiQL files an edit under the tab shown 100 ms later: the run also lets it land).
      const queryEditor = fresh.locator('.graphiql-query-editor');
      const toolEditor = fresh.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
      const response = fresh.locator('.graphiql-response');
      const runs: [Locator, string, string][] = [
        [dashboard, 'query Dashboard', '"accounts":['],
        [referenceData, 'query ReferenceData', '"paymentConcepts":['],
      ];
      for (const [tab, operation, answer] of runs) {
        await tab.click();
        await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
        await expect.poll(() => editorText(queryEditor)).toContain(operation);
        await fresh.getByRole('button', { name: 'Headers' }).click();
        await replaceText(fresh, toolEditor, JSON.stringify({ Authorization: AUTHORIZATION }));
        await fresh.getByRole('button', { name: /^Execute query/ }).click();
        await expect.poll(async () => (await editorText(response)).replace(/\s+/g, ''), { timeout: 10_000 }).toContain(answer);
      }

      // New tabs overflow the bar; each new one is the active tab and scrolled into view.
      for (let added = 1; added <= 8; added++) {
        await fresh.getByRole('button', { name: 'New tab' }).click();
        await expect
          .poll(() => tabBar(fresh))
          .toMatchObject({ count: EXAMPLE_FILES.length + added, activeIndex: EXAMPLE_FILES.length + added - 1, activeInView: true });
      }
      const scrolled = await tabBar(fresh);
      expect(scrolled.overflows).toBe(true);
      expect(scrolled.scrollLeft).toBeGreaterThan(0);
      // The mouse wheel scrolls the bar sideways.
      await fresh.locator('.graphiql-tabs').hover();
      await fresh.mouse.wheel(0, -10_000);
      await expect.poll(async () => (await tabBar(fresh)).scrollLeft).toBe(0);

      // Ten switches by clicking, each run and answered. Before each, the docs pane opens or closes: that
      // resizes the tab bar, which is when GraphiQL's drag constraint moved every tab aside (shown once
      // a press focused it, so the release missed the tab and about half of the clicks did not switch).
      const docsToggle = fresh.getByRole('button', { name: /(Show|Hide) Documentation Explorer/ });
      for (let i = 0; i < 10; i++) {
        const [tab, operation, answer] = runs[i % 2]!;
        const barWidth = await fresh.locator('.graphiql-tabs').evaluate((bar) => bar.clientWidth);
        await docsToggle.click();
        await expect.poll(() => fresh.locator('.graphiql-tabs').evaluate((bar) => bar.clientWidth)).not.toBe(barWidth);
        await tab.click();
        await expect.poll(() => tab.getAttribute('aria-selected'), { message: `switch ${i + 1}` }).toBe('true');
        await expect.poll(() => editorText(queryEditor)).toContain(operation);
        const sent = traffic.requestIds.length;
        await fresh.getByRole('button', { name: /^Execute query/ }).click();
        await expect.poll(() => traffic.requestIds.length, { timeout: 10_000 }).toBe(sent + 1);
        await expect.poll(async () => (await editorText(response)).replace(/\s+/g, ''), { timeout: 10_000 }).toContain(answer);
        await expect.poll(() => fresh.locator('#explorer-request-id').getAttribute('data-request-id')).toBe(traffic.requestIds.at(-1));
      }
      expect(traffic.posts.every((post) => post.authorization === AUTHORIZATION)).toBe(true);
      expect(traffic.pageErrors).toEqual([]);
      expect(offLoopback).toEqual([]);
    } finally {
      await isolated.close();
    }
  }, 90_000);
});
