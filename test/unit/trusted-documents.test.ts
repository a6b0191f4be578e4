/**
 * CLIENTS_FILE's trusted-documents fields and the manifests: the `documents` policy and its defaults
 * (production: an app with manifests is trusted-only), every problem of the file and of its manifests
 * reported at once, manifest paths relative to the CLIENTS_FILE, and manifest documents compiled by the
 * operation pipeline (parsed and validated once; a stale or tampered document refuses the manifest).
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry, ClientsFileError, defaultDocumentPolicy, documentsOf } from '../../src/auth/clients.js';
import { OPEN_ACCESS_CLIENT } from '../../src/auth/requests.js';
import { DEFAULT_APQ_MAX_BYTES } from '../../src/config.js';
import { OperationPipeline } from '../../src/graphql/pipeline.js';
import { attachManifests, hashOfId, loadClients } from '../../src/graphql/trusted-documents.js';
import { createLogger } from '../../src/logging.js';
import { Metrics } from '../../src/observability/metrics.js';
import { buildGatewaySchema } from '../../src/schema.js';
import { memoryState } from '../../src/state/index.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const entry = (name: string, extra: Record<string, unknown> = {}) => ({ name, keySha256: sha256(`key-${name}`), scopes: ['read'], ...extra });
const policyOf = (registry: ClientRegistry, name: string) => documentsOf(registry.identify(`key-${name}`)!).policy;

describe('the documents policy', () => {
  it('in production an app with manifests defaults to trusted-only; without manifests, any', () => {
    const registry = ClientRegistry.fromJson([entry('web', { manifests: ['web.json'] }), entry('backoffice')], { production: true });
    expect(policyOf(registry, 'web')).toBe('trusted-only');
    expect(policyOf(registry, 'backoffice')).toBe('any');
  });

  it('outside production an app with manifests defaults to trusted-or-any', () => {
    const registry = ClientRegistry.fromJson([entry('web', { manifests: ['web.json'] }), entry('backoffice')]);
    expect(policyOf(registry, 'web')).toBe('trusted-or-any');
    expect(policyOf(registry, 'backoffice')).toBe('any');
    expect([true, false].map((production) => defaultDocumentPolicy(true, production))).toEqual(['trusted-only', 'trusted-or-any']);
  });

  it('an explicit policy wins over the default', () => {
    const registry = ClientRegistry.fromJson(
      [entry('web', { manifests: ['web.json'], documents: 'any' }), entry('mixed', { manifests: ['m.json'], documents: 'trusted-or-any' })],
      {
        production: true,
      },
    );
    expect(policyOf(registry, 'web')).toBe('any');
    expect(policyOf(registry, 'mixed')).toBe('trusted-or-any');
  });

  it('open access (no CLIENTS_FILE) runs any document and holds none', () => {
    expect(documentsOf(OPEN_ACCESS_CLIENT)).toEqual({ policy: 'any', trusted: new Map() });
  });

  it('every problem of the file at once, each naming its entry', () => {
    const error = (() => {
      try {
        ClientRegistry.fromJson([
          entry('a', { documents: 'trusted-only' }),
          entry('b', { documents: 'sometimes', manifests: ['b.json'] }),
          entry('c', { manifests: [] }),
          { name: 'd', keySha256: 'short', scopes: ['root'] },
        ]);
      } catch (e) {
        return e as ClientsFileError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ClientsFileError);
    expect(error.problems).toEqual([
      'CLIENTS_FILE entry 0 (a): documents "trusted-only" needs the app\'s manifests (a list of files in "manifests")',
      'CLIENTS_FILE entry 1 (b): documents must be one of "trusted-only", "trusted-or-any", "any"',
      "CLIENTS_FILE entry 2 (c): manifests must be a non-empty list of file paths (relative to the CLIENTS_FILE's folder)",
      'CLIENTS_FILE entry 3 (d): keySha256 must be 64 hex digits',
      'CLIENTS_FILE entry 3 (d): scopes must be a list of read, cashin, cashout',
    ]);
    expect(error.message).toBe(error.problems.join('\n'));
  });
});

describe('document ids', () => {
  it('accepts sha256:<hex> and the bare hex (APQ), in any case; refuses anything else', () => {
    const hex = sha256('x');
    expect(hashOfId(`sha256:${hex}`)).toBe(hex);
    expect(hashOfId(hex.toUpperCase())).toBe(hex);
    for (const bad of [`sha1:${hex}`, hex.slice(1), `sha256:${hex}0`, 42, undefined, `md5:${hex}`]) expect(hashOfId(bad)).toBeUndefined();
  });
});

describe('manifests', () => {
  let dir: string;
  let pipeline: OperationPipeline;
  const compile = (text: string, hash: string, source: string) => pipeline.compile(text, hash, source);
  const GOOD = 'query Good { accounts { provider } }';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pasarela-manifests-'));
    pipeline = new OperationPipeline({
      schema: await buildGatewaySchema(),
      production: true,
      state: memoryState(),
      logger: createLogger({ level: 'silent' }),
      metrics: new Metrics({ processMetrics: false }),
      requestDeadlineMs: 1_000,
      apqMaxBytes: DEFAULT_APQ_MAX_BYTES,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are read from the CLIENTS_FILE folder; each document parsed and validated once, shared by the apps listing it', async () => {
    await mkdir(join(dir, 'apps'), { recursive: true });
    await writeFile(join(dir, 'apps', 'web.json'), JSON.stringify({ [`sha256:${sha256(GOOD)}`]: GOOD }));
    await writeFile(join(dir, 'apps', 'mobile.json'), JSON.stringify({ [sha256(GOOD)]: GOOD }));
    await writeFile(
      join(dir, 'clients.json'),
      JSON.stringify([entry('web', { manifests: ['apps/web.json'] }), entry('mobile', { manifests: ['apps/mobile.json', 'apps/web.json'] })]),
    );
    const registry = await loadClients(join(dir, 'clients.json'), compile, { production: true });
    const web = documentsOf(registry.identify('key-web')!);
    const mobile = documentsOf(registry.identify('key-mobile')!);
    expect(web.policy).toBe('trusted-only');
    const document = web.trusted.get(sha256(GOOD))!;
    expect(document).toMatchObject({ id: `sha256:${sha256(GOOD)}`, name: 'Good', text: GOOD, source: join(dir, 'apps', 'web.json') });
    expect(document.operation.operation).toBe('query');
    expect(mobile.trusted.get(sha256(GOOD))).toBe(document);
    expect(registry.apps.map((app) => app.documents)).toEqual([1, 1]);
  });

  it('every problem of every manifest at once', async () => {
    const TWO = 'query A { accounts { provider } } query B { accounts { id } }';
    const INTROSPECTION = 'query Schema { __schema { types { name } } }';
    await writeFile(join(dir, 'bad.json'), '{ not json');
    await writeFile(join(dir, 'list.json'), '[]');
    await writeFile(
      join(dir, 'docs.json'),
      JSON.stringify({
        'md5:abc': GOOD,
        [`sha256:${sha256('a')}`]: 42,
        [`sha256:${sha256('tampered')}`]: GOOD,
        [`sha256:${sha256(TWO)}`]: TWO,
        [`sha256:${sha256(INTROSPECTION)}`]: INTROSPECTION,
        [`sha256:${sha256('query {')}`]: 'query {',
        [`sha256:${sha256(GOOD)}`]: GOOD,
      }),
    );
    const registry = ClientRegistry.fromJson([entry('web', { manifests: ['bad.json', 'list.json', 'missing.json', 'docs.json'] })], { baseDir: dir });
    const error = (await attachManifests(registry, compile).catch((e: unknown) => e)) as ClientsFileError;
    expect(error).toBeInstanceOf(ClientsFileError);
    const at = (file: string) => `manifest ${join(dir, file)}`;
    expect(error.problems).toEqual([
      `${at('bad.json')} cannot be read (not valid JSON)`,
      `${at('list.json')} must be a JSON object of "sha256:<hex>": "<document>"`,
      `${at('missing.json')} cannot be read (ENOENT)`,
      `${at('docs.json')}, document md5:abc: the key must be "sha256:" and 64 hex digits`,
      `${at('docs.json')}, document sha256:${sha256('a')}: the value must be the document's text`,
      `${at('docs.json')}, document sha256:${sha256('tampered')}: the key is not the SHA-256 of the document's text (regenerate the manifest)`,
      `${at('docs.json')}, document sha256:${sha256(TWO)}: must hold exactly one operation`,
      // Production's rules hold for manifests too: no introspection.
      expect.stringMatching(new RegExp(`^${at('docs.json')}, document sha256:${sha256(INTROSPECTION)}: is not valid: GraphQL introspection has been disabled`)),
      expect.stringMatching(new RegExp(`^${at('docs.json')}, document sha256:${sha256('query {')}: does not parse: Syntax Error`)),
    ]);
  });
});
