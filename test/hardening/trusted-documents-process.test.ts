/**
 * CLIENTS_FILE and manifests with the gateway as a real process (`src/main.ts`): a file or manifest
 * that cannot be used stops it at start with exit code 2 and every problem on its own line; SIGHUP
 * reloads the manifests without a restart, and a bad manifest at SIGHUP keeps the ones in force.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGatewaysAfterAll, spawnGateway } from '../helpers/process.js';

killGatewaysAfterAll();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const KEY = 'pk_process_0123456789abcdef0123456789';
const A = 'query A { accounts { provider } }';
const B = 'query B { account(provider: TELEPAGOS) { id } }';
const manifest = (...texts: string[]) => JSON.stringify(Object.fromEntries(texts.map((text) => [`sha256:${sha256(text)}`, text])));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-td-process-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function byId(url: string, text: string): Promise<string | undefined> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ documentId: `sha256:${sha256(text)}` }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return body.errors?.[0]?.extensions?.code ?? (body.data ? 'ran' : 'nothing');
}

describe('the gateway process', () => {
  it('refuses to start with a CLIENTS_FILE or manifest it cannot use, listing every problem (exit 2)', async () => {
    await writeFile(join(dir, 'stale.json'), JSON.stringify({ [`sha256:${sha256('query { gone }')}`]: 'query { gone }', [`sha256:${sha256('x')}`]: A }));
    const file = join(dir, 'bad-clients.json');
    await writeFile(
      file,
      JSON.stringify([{ name: 'web', keySha256: sha256(KEY), scopes: ['read'], documents: 'trusted-only', manifests: ['stale.json', 'missing.json'] }]),
    );
    const gateway = spawnGateway({ CLIENTS_FILE: file });
    expect((await gateway.exited).code).toBe(2);
    const lines = gateway
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('Configuration error: '));
    expect(lines).toEqual([
      expect.stringMatching(/stale\.json, document sha256:[0-9a-f]{64}: is not valid: Cannot query field "gone"/),
      expect.stringMatching(/stale\.json, document sha256:[0-9a-f]{64}: the key is not the SHA-256 of the document's text/),
      expect.stringMatching(/missing\.json cannot be read \(ENOENT\)/),
    ]);
    expect(gateway.stderr()).not.toContain('Pasarela gateway:');
  }, 30_000);

  it('reloads the manifests on SIGHUP (and on a change on disk); a bad one keeps those in force', async () => {
    const file = join(dir, 'clients.json');
    await writeFile(join(dir, 'web.json'), manifest(A));
    await writeFile(file, JSON.stringify([{ name: 'web', keySha256: sha256(KEY), scopes: ['read'], documents: 'trusted-only', manifests: ['web.json'] }]));
    const gateway = spawnGateway({ CLIENTS_FILE: file, LOG_LEVEL: 'info' });
    const { graphql } = await gateway.ready(30_000);
    const reloads = () => gateway.stdout().split('client apps and manifests reloaded').length - 1;
    const waitFor = async (what: string, check: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`${what}\nstdout:\n${gateway.stdout()}\nstderr:\n${gateway.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    expect(await byId(graphql, A)).toBe('ran');
    expect(await byId(graphql, B)).toBe('PERSISTED_QUERY_NOT_FOUND');

    // SIGHUP alone reloads (nothing changed on disk, so the watch has nothing to do).
    expect(reloads()).toBe(0);
    gateway.child.kill('SIGHUP');
    await waitFor('SIGHUP did not reload', () => reloads() === 1);

    // A replaced manifest is applied (by the watch, or by the SIGHUP sent right after).
    await writeFile(join(dir, 'web.next'), manifest(A, B));
    await rename(join(dir, 'web.next'), join(dir, 'web.json'));
    gateway.child.kill('SIGHUP');
    await waitFor('not reloaded', async () => (await byId(graphql, B)) === 'ran');

    await writeFile(join(dir, 'web.next'), '{ broken');
    await rename(join(dir, 'web.next'), join(dir, 'web.json'));
    gateway.child.kill('SIGHUP');
    await waitFor('no refusal logged', () => gateway.stdout().includes('client apps reload refused'));
    expect(gateway.stdout()).toMatch(/web\.json cannot be read \(not valid JSON\)/);
    expect(await byId(graphql, A)).toBe('ran');
    expect(await byId(graphql, B)).toBe('ran');
    expect(gateway.child.exitCode).toBeNull();

    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
  }, 60_000);
});
