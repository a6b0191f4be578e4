/**
 * Log lines of an operation run by id name its document: the audit line of a mutation sent as a trusted
 * document carries `documentId` and `documentName` beside the client and the mutation; an unknown id is
 * logged with the id it asked for.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { leakRecorder } from '../helpers/leaks.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const KEY = 'pk_logs_0123456789abcdef0123456789abcd';
const QR = 'mutation ChargeAtTable($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { code message } } }';

const recorder = leakRecorder();
let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-td-logs-'));
  await writeFile(join(dir, 'pos.json'), JSON.stringify({ [`sha256:${sha256(QR)}`]: QR }));
  const file = join(dir, 'clients.json');
  await writeFile(file, JSON.stringify([{ name: 'pos', keySha256: sha256(KEY), scopes: ['cashin'], documents: 'trusted-only', manifests: ['pos.json'] }]));
  gw = await startTestGateway({ clients: await ClientRegistry.fromFile(file), clientsFile: file, logger: recorder.logger });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await rm(dir, { recursive: true, force: true });
});

const send = (body: Record<string, unknown>) =>
  fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'x-request-id': `logs-${Object.keys(body)[0]}` },
    body: JSON.stringify(body),
  }).then((response) => response.json() as Promise<{ data?: any; errors?: any[] }>);

const parsed = () => recorder.lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('log lines of documents run by id', () => {
  it("a mutation's audit line names the document it ran", async () => {
    const answer = await send({ documentId: `sha256:${sha256(QR)}`, variables: { input: { amount: '100.00', concept: 'VAR', description: 'Mesa 4' } } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.createQrCharge.qrOrderId).toEqual(expect.any(String));
    const audit = parsed().find((line) => (line.audit as { operation?: string } | undefined)?.operation === 'createQrCharge');
    expect(audit).toMatchObject({
      client: 'pos',
      requestId: 'logs-documentId',
      documentId: `sha256:${sha256(QR)}`,
      documentName: 'ChargeAtTable',
      audit: { operation: 'createQrCharge', outcome: 'created', client: 'pos' },
    });
  });

  it('an unknown id is logged with the id asked for', async () => {
    const id = `sha256:${sha256('not shipped yet')}`;
    const answer = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('not shipped yet') } } });
    expect(answer.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(parsed().find((line) => line.msg === 'unknown persisted document')).toMatchObject({ client: 'pos', documentId: id, requestId: 'logs-extensions' });
  });
});
