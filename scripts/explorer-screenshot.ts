/**
 * Retakes docs/explorer.png, the README's picture of the explorer, with the real explorer in headless
 * Chromium (Debian's `chromium`, driven by playwright-core as test/browser does; nothing is downloaded):
 *
 *   npx tsx scripts/explorer-screenshot.ts [out.png]        (default docs/explorer.png)
 *
 * It starts the provider sandboxes with the walk-throughs' pinned clock (2026-01-15 12:00 UTC, so the
 * rows are the same every time) and a gateway over them on free loopback ports, as `npm start` does
 * without a CLIENTS_FILE; opens GET /graphql at 1440×860 with the network limited to loopback; runs an
 * `activity` query in a new tab; opens the docs on Query; and checks that the result, the docs' root
 * fields and the X-Request-Id status line are on screen before it shoots. It fails, writing nothing, when
 * any of them is missing, a request leaves loopback or the page throws.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { loadConfig, withSandboxes } from '../src/config.js';
import { pointSandboxNotificationsAt } from '../src/embedded.js';
import { createLogger } from '../src/logging.js';
import { startSandboxes } from '../src/sandbox/index.js';
import { createGateway } from '../src/server.js';

const CHROMIUM = '/usr/bin/chromium';
const NOW = new Date('2026-01-15T12:00:00Z');
const VIEWPORT = { width: 1440, height: 860 };
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TIMEOUT_MS = 20_000;

/** What the picture shows: one activity feed across providers, the newest rows first. */
const QUERY = `query Activity {
  activity(
    from: "2026-01-01"
    to: "2026-01-15"
    first: 5
  ) {
    partial
    nodes {
      provider
      createdAt
      kind
      direction
      amount { amount currency }
      status
    }
  }
}
`;

/** A Monaco editor's text as drawn (it draws spaces as no-break spaces). */
async function editorText(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`explorer-screenshot: ${what} did not appear within ${TIMEOUT_MS / 1000} s`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Replaces an editor's text as a user pasting it (typing would get Monaco's auto-closed brackets). */
async function paste(page: Page, editor: Locator, text: string): Promise<void> {
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  await until('the pasted query', async () => (await editorText(editor)) === text.replace(/\n$/, ''));
}

async function main(out: string): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`explorer-screenshot: ${CHROMIUM} is missing (apt-get install chromium)`);
  const sandboxes = await startSandboxes({ now: NOW });
  const config = withSandboxes(loadConfig({}), { telepagos: sandboxes.telepagos.url, talo: sandboxes.talo.url, tupay: sandboxes.tupay.url });
  const gateway = await createGateway({ config: { ...config, port: 0, embedded: false }, logger: createLogger({ level: 'silent' }) });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1', '--no-sandbox'],
  });
  try {
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
    config.publicUrl = url;
    await pointSandboxNotificationsAt(config, sandboxes);

    const context = await browser.newContext({ viewport: VIEWPORT, permissions: ['clipboard-read', 'clipboard-write'] });
    const offLoopback: string[] = [];
    await context.route('**/*', (route) => {
      if (LOOPBACK.has(new URL(route.request().url()).hostname)) return route.continue();
      offLoopback.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${url}/graphql`);
    await page.getByRole('tab', { name: 'Dashboard' }).waitFor({ timeout: TIMEOUT_MS });
    await page.getByRole('button', { name: 'New tab' }).click();
    await paste(page, page.locator('.graphiql-query-editor'), QUERY);
    await page.getByRole('button', { name: /^Execute query/ }).click();
    const response = page.locator('.graphiql-response');
    const result = await until('the activity result', async () => {
      const text = await editorText(response);
      return text.includes('"activity"') && text.includes('"provider"') && text;
    });
    if (result.includes('"errors"')) throw new Error(`explorer-screenshot: the query answered errors:\n${result}`);

    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-plugin');
    await docs.getByText('Query', { exact: true }).first().click({ timeout: TIMEOUT_MS });
    for (const field of ['accounts', 'activity', 'activitySummary']) await docs.getByText(field, { exact: true }).first().waitFor({ timeout: TIMEOUT_MS });
    await until('the X-Request-Id status line', async () => /^X-Request-Id: [0-9a-f-]{36}$/.test(await page.locator('#explorer-request-id').innerText()));

    if (pageErrors.length > 0) throw new Error(`explorer-screenshot: the page threw: ${pageErrors.join('; ')}`);
    if (offLoopback.length > 0) throw new Error(`explorer-screenshot: requests left loopback: ${offLoopback.join(', ')}`);
    await page.screenshot({ path: out });
    console.log(`explorer-screenshot: wrote ${out} (${VIEWPORT.width}×${VIEWPORT.height})`);
  } finally {
    await browser.close();
    await gateway.close();
    await sandboxes.close();
  }
}

const out = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? 'docs/explorer.png');
main(out).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
