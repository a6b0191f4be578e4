/**
 * The production default of `documents`, on a production gateway (NODE_ENV=production) over HTTP: an
 * app that lists manifests and says nothing else is held to them (`trusted-only`); an app without
 * manifests sends text as before (`any`).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const KEYS = { web: 'pk_prod_web_0123456789abcdef0123456789', backoffice: 'pk_prod_bo_0123456789abcdef01234567890' };
const BALANCE = 'query ProdBalance { account(provider: TELEPAGOS) { balance { amount } } }';
const OTHER = '{ accounts { provider } }';

let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-td-prod-'));
  await writeFile(join(dir, 'web.json'), JSON.stringify({ [`sha256:${sha256(BALANCE)}`]: BALANCE }));
  const file = join(dir, 'clients.json');
  await writeFile(
    file,
    JSON.stringify([
      // No `documents`: the defaults decide.
      { name: 'web', keySha256: sha256(KEYS.web), scopes: ['read'], manifests: ['web.json'] },
      { name: 'backoffice', keySha256: sha256(KEYS.backoffice), scopes: ['read'] },
    ]),
  );
  const env = {
    NODE_ENV: 'production',
    CLIENTS_FILE: file,
    TELEPAGOS_WEBHOOK_SECRET: 'whsec-test',
    TALO_WEBHOOK_SECRET: 'whsec-test',
    TUPAY_WEBHOOK_SECRET: 'whsec-test',
  };
  gw = await startTestGateway({ env, clients: await ClientRegistry.fromFile(file, { production: true }), clientsFile: file });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = async (key: string, body: Record<string, unknown>) => {
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: { extensions?: Record<string, unknown> }[] }) };
};

describe('in production, by default', () => {
  it('an app with manifests is trusted-only: its documents by id run, free text is refused', async () => {
    expect(gw.config.production).toBe(true);
    const byId = await post(KEYS.web, { documentId: `sha256:${sha256(BALANCE)}` });
    expect(byId.errors).toBeUndefined();
    expect(byId.data.account.balance.amount).toEqual(expect.any(String));
    const text = await post(KEYS.web, { query: OTHER });
    expect(text.status).toBe(403);
    expect(text.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    const register = await post(KEYS.web, { query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } });
    expect(register.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('an app without manifests sends any text, as before', async () => {
    const text = await post(KEYS.backoffice, { query: OTHER });
    expect(text.errors).toBeUndefined();
    expect(text.data.accounts.length).toBeGreaterThan(0);
  });
});
