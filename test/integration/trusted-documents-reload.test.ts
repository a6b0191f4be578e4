/**
 * Reloading CLIENTS_FILE and the manifests without a restart. Under load (requests by id in flight on
 * many connections), the manifests are swapped back and forth: every answer comes from the old table or
 * the new one — a document in both always runs, one in only one of them runs or is
 * PERSISTED_QUERY_NOT_FOUND — and nothing else ever happens. A manifest or CLIENTS_FILE that cannot be
 * used keeps the tables in force (every problem reported); a watched file reloads by itself.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** In both manifests; only in the first; only in the second. */
const BOTH = 'query Both { account(provider: TELEPAGOS) { balance { amount } } }';
const FIRST = 'query OnlyFirst { account(provider: TELEPAGOS) { id } }';
const SECOND = 'query OnlySecond { account(provider: TELEPAGOS) { provider } }';
const KEY = 'pk_reload_0123456789abcdef0123456789ab';
const NEW_KEY = 'pk_reload_new_0123456789abcdef01234567';

const manifest = (...texts: string[]) => JSON.stringify(Object.fromEntries(texts.map((text) => [`sha256:${sha256(text)}`, text])));
const app = (documents: string, extra: Record<string, unknown> = {}) => ({
  name: 'web',
  keySha256: sha256(KEY),
  scopes: ['read'],
  documents,
  manifests: ['web.json'],
  ...extra,
});

/** Writes a file the way deploy tools do: a new file renamed over the old one. */
async function replace(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

const agent = new Agent({ connections: 16 });

async function byId(gw: TestGateway, text: string, key = KEY): Promise<{ status: number; body: { data?: any; errors?: any[] } }> {
  const response = await request(`${gw.url}/graphql`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ documentId: `sha256:${sha256(text)}` }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as { data?: any; errors?: any[] } };
}

const code = (answer: { body: { errors?: any[] } }) => answer.body.errors?.[0]?.extensions?.code as string | undefined;

describe('reloading under load', () => {
  let dir: string;
  let gw: TestGateway;
  let clientsFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pasarela-reload-'));
    clientsFile = join(dir, 'clients.json');
    await writeFile(join(dir, 'web.json'), manifest(BOTH, FIRST));
    await writeFile(clientsFile, JSON.stringify([app('trusted-only')]));
    gw = await startTestGateway({ clients: await ClientRegistry.fromFile(clientsFile), clientsFile });
  }, 30_000);

  afterAll(async () => {
    await gw?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('every request in flight sees the old table or the new one, never anything else', async () => {
    expect(code(await byId(gw, SECOND))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const outcomes = { both: 0, first: { ran: 0, notFound: 0 }, second: { ran: 0, notFound: 0 } };
    const unexpected: string[] = [];
    let swapping = true;

    const worker = async () => {
      while (swapping) {
        const [both, first, second] = await Promise.all([byId(gw, BOTH), byId(gw, FIRST), byId(gw, SECOND)]);
        if (both.status === 200 && !both.body.errors && both.body.data?.account?.balance?.amount) outcomes.both++;
        else unexpected.push(`Both: ${both.status} ${JSON.stringify(both.body).slice(0, 200)}`);
        for (const [answer, tally, field] of [
          [first, outcomes.first, 'id'],
          [second, outcomes.second, 'provider'],
        ] as const) {
          if (answer.status === 200 && !answer.body.errors && answer.body.data?.account?.[field]) tally.ran++;
          else if (answer.status === 200 && code(answer) === 'PERSISTED_QUERY_NOT_FOUND' && answer.body.errors!.length === 1) tally.notFound++;
          else unexpected.push(`${field}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);

    // Swap back and forth while the workers run: each reload builds the tables in full, then swaps.
    for (let i = 0; i < 10; i++) {
      await replace(join(dir, 'web.json'), i % 2 === 0 ? manifest(BOTH, SECOND) : manifest(BOTH, FIRST));
      const outcome = await gw.gateway.reloadClients();
      expect(outcome).toEqual({ applied: true, clients: 1, documents: 2 });
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    swapping = false;
    await Promise.all(workers);

    expect(unexpected).toEqual([]);
    expect(outcomes.both).toBeGreaterThan(50);
    // Both tables were seen by requests in flight: each document ran under one and was unknown under the other.
    for (const tally of [outcomes.first, outcomes.second]) {
      expect(tally.ran).toBeGreaterThan(0);
      expect(tally.notFound).toBeGreaterThan(0);
    }
    // The last swap put the first table back.
    expect(code(await byId(gw, FIRST))).toBeUndefined();
    expect(code(await byId(gw, SECOND))).toBe('PERSISTED_QUERY_NOT_FOUND');
  }, 60_000);

  it('a manifest that cannot be used keeps the tables in force, and every problem is reported', async () => {
    const bad = JSON.stringify({
      [`sha256:${sha256(SECOND)}`]: SECOND,
      [`sha256:${sha256('tampered')}`]: FIRST,
      [`sha256:${sha256('query { nosuchfield }')}`]: 'query { nosuchfield }',
    });
    await replace(join(dir, 'web.json'), bad);
    const outcome = await gw.gateway.reloadClients();
    expect(outcome.applied).toBe(false);
    const problems = (outcome as { problems: readonly string[] }).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/web\.json, document sha256:[0-9a-f]{64}: the key is not the SHA-256 of the document's text/);
    expect(problems[1]).toMatch(/is not valid: Cannot query field "nosuchfield"/);
    // The previous table answers as before.
    expect(code(await byId(gw, FIRST))).toBeUndefined();
    expect(code(await byId(gw, SECOND))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/pasarela_clients_reloads_total\{outcome="refused"\} 1/);
  });

  it('a CLIENTS_FILE that cannot be used keeps the apps in force', async () => {
    await replace(join(dir, 'web.json'), manifest(BOTH, FIRST));
    await replace(clientsFile, JSON.stringify([app('sometimes'), { name: 'x', keySha256: 'nope', scopes: [] }]));
    const outcome = await gw.gateway.reloadClients();
    expect(outcome.applied).toBe(false);
    expect((outcome as { problems: readonly string[] }).problems).toEqual([
      expect.stringMatching(/entry 0 \(web\): documents must be one of "trusted-only", "trusted-or-any", "any"/),
      expect.stringMatching(/entry 1 \(x\): keySha256 must be 64 hex digits/),
    ]);
    expect(code(await byId(gw, FIRST))).toBeUndefined();
  });

  it('a reloaded CLIENTS_FILE changes keys and policies: a new app, free text allowed', async () => {
    const text = await gw.query(SECOND, {}, { authorization: `Bearer ${KEY}` });
    expect(text.body.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    await replace(clientsFile, JSON.stringify([app('trusted-or-any'), { name: 'new', keySha256: sha256(NEW_KEY), scopes: ['read'] }]));
    expect(await gw.gateway.reloadClients()).toEqual({ applied: true, clients: 2, documents: 2 });
    expect((await gw.query(SECOND, {}, { authorization: `Bearer ${KEY}` })).body.errors).toBeUndefined();
    expect((await gw.query(SECOND, {}, { authorization: `Bearer ${NEW_KEY}` })).body.errors).toBeUndefined();
  });
});

describe('watching the files', () => {
  let dir: string;
  let gw: TestGateway;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pasarela-watch-'));
    const clientsFile = join(dir, 'clients.json');
    await writeFile(join(dir, 'web.json'), manifest(BOTH));
    await writeFile(clientsFile, JSON.stringify([app('trusted-only')]));
    gw = await startTestGateway({ clients: await ClientRegistry.fromFile(clientsFile), clientsFile, watchClients: true });
  }, 30_000);

  afterAll(async () => {
    await gw?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a manifest replaced on disk is reloaded by itself', async () => {
    expect(code(await byId(gw, SECOND))).toBe('PERSISTED_QUERY_NOT_FOUND');
    await replace(join(dir, 'web.json'), manifest(BOTH, SECOND));
    const deadline = Date.now() + 10_000;
    while (code(await byId(gw, SECOND)) === 'PERSISTED_QUERY_NOT_FOUND') {
      if (Date.now() > deadline) throw new Error('the manifest was not reloaded within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await byId(gw, SECOND)).body.data.account.provider).toBe('TELEPAGOS');
  });
});

afterAll(async () => {
  await agent.close();
});
