/**
 * A production install, exactly as docs/deploying.md "Production install" tells it: `npm run build`, then package.json,
 * package-lock.json and dist/ in an empty folder, `npm ci --omit=dev` there, and `node dist/main.js`:
 * compiled JavaScript with production dependencies only, no runtime transpiler. It starts once in
 * production against sandboxes run by this test (provider URLs, credentials, webhook secrets and
 * CLIENTS_FILE from the environment) and once as the embedded default (no provider URL, NODE_ENV unset),
 * which runs the sandboxes from dist/ too; each answers a GraphQL query over HTTP, and the embedded default
 * serves the explorer with its example tabs (the build copies them into dist/). Started as
 * `npm run start:prod` (as container images and process managers often run it), SIGTERM to npm ends the
 * gateway gracefully.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_FILES } from '../../src/explorer/tabs.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox/index.js';
import { descendants, killGatewaysAfterAll, spawnNpmScript, terminateThroughNpm } from '../helpers/process.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Build and install together take well under a minute on an idle 2-core machine; leave room for load. */
const INSTALL_TIMEOUT_MS = 240_000;
const START_TIMEOUT_MS = 30_000;
const DEV_ONLY = ['tsx', 'typescript', 'vitest', '@graphql-codegen/cli', '@graphql-inspector/core'];

/** Nothing inherited from the test runner (NODE_OPTIONS, loaders): only what a server would have. */
const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() });

interface Started {
  child: ChildProcess;
  graphqlUrl: string;
  output: () => string;
}

/** `node dist/main.js` in the install folder; resolves once it has printed where it listens. */
function startInstalled(folder: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: folder, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const output = () => out;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start within ${START_TIMEOUT_MS} ms:\n${out}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // The example query is printed last, after the URL and the sandboxes' addresses.
      const match = /Pasarela gateway: (http:\/\/\S+\/graphql)/.exec(out);
      if (match && out.includes('\nTry:')) {
        clearTimeout(timer);
        resolve({ child, graphqlUrl: match[1]!, output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${out}`));
    });
  });
}

/** SIGTERM, then the exit code (SIGKILL and null if it does not end). */
function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

async function post(graphqlUrl: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

const ACCOUNTS = '{ accounts { provider balance { amount currency } } }';

killGatewaysAfterAll();

describe('a production install (npm ci --omit=dev of the built package)', () => {
  let folder: string;
  let sandboxes: RunningSandboxes | undefined;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pasarela-production-'));
    await Promise.all([
      copyFile(join(ROOT, 'package.json'), join(folder, 'package.json')),
      copyFile(join(ROOT, 'package-lock.json'), join(folder, 'package-lock.json')),
    ]);
    // The build (CPU) and the install (disk and network) are independent: run them side by side.
    await Promise.all([
      run('npm', ['run', 'build', '--', '--outDir', join(folder, 'dist')], { cwd: ROOT, env: process.env }),
      run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: folder, env: { ...baseEnv(), npm_config_update_notifier: 'false' } }),
    ]);
  }, INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(children.map(stop));
    await sandboxes?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  }, 30_000);

  it('holds compiled JavaScript and no development dependency', async () => {
    await access(join(folder, 'dist', 'main.js'));
    await access(join(folder, 'dist', 'sandbox', 'index.js'));
    await access(join(folder, 'node_modules', 'type-graphql'));
    // The explorer's example tabs, which the install does not otherwise hold (no operations/ folder).
    for (const name of EXAMPLE_FILES) await access(join(folder, 'dist', 'operations', name));
    await expect(access(join(folder, 'operations'))).rejects.toThrow();
    for (const name of DEV_ONLY) {
      await expect(access(join(folder, 'node_modules', name)), `${name} must not be installed`).rejects.toThrow();
    }
  });

  it('starts in production against the providers it is given, and answers a client with an API key', async () => {
    sandboxes = await startSandboxes();
    const key = randomBytes(24).toString('hex');
    const clientsFile = join(folder, 'clients.json');
    await writeFile(clientsFile, JSON.stringify([{ name: 'deploy-test', keySha256: createHash('sha256').update(key).digest('hex'), scopes: ['read'] }]));
    const { telepagos, talo, tupay } = SANDBOX_CREDENTIALS;
    const started = await startInstalled(folder, {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      CLIENTS_FILE: clientsFile,
      TELEPAGOS_URL: sandboxes.telepagos.url,
      TELEPAGOS_USERNAME: telepagos.username,
      TELEPAGOS_PASSWORD: telepagos.password,
      TELEPAGOS_WEBHOOK_SECRET: telepagos.webhookSecret,
      TALO_URL: sandboxes.talo.url,
      TALO_USER_ID: talo.userId,
      TALO_CLIENT_ID: talo.clientId,
      TALO_CLIENT_SECRET: talo.clientSecret,
      TALO_WEBHOOK_SECRET: talo.webhookSecret,
      TUPAY_URL: sandboxes.tupay.url,
      TUPAY_ACCESS_KEY: tupay.accessKey,
      TUPAY_SECRET_KEY: tupay.secretKey,
      TUPAY_WEBHOOK_LOGIN: tupay.webhookLogin,
      TUPAY_WEBHOOK_SECRET: tupay.webhookSecret,
    });
    children.push(started.child);

    const anonymous = await post(started.graphqlUrl, ACCOUNTS);
    expect(anonymous.body.errors?.[0]?.extensions?.code, started.output()).toBe('UNAUTHENTICATED');

    const answered = await post(started.graphqlUrl, ACCOUNTS, { authorization: `Bearer ${key}` });
    expect(answered.status, started.output()).toBe(200);
    expect(answered.body.errors).toBeUndefined();
    const providers = (answered.body.data.accounts as { provider: string }[]).map((account) => account.provider);
    expect(providers).toEqual(expect.arrayContaining(['TELEPAGOS', 'TUPAY']));
    // Not the embedded default: it read the sandboxes this test started, so their logs saw the calls.
    expect(sandboxes.telepagos.log.count()).toBeGreaterThan(0);

    expect(await stop(started.child)).toBe(0);
  }, 60_000);

  it('starts as the embedded default, running the sandboxes compiled in dist/', async () => {
    const started = await startInstalled(folder, { HOST: '127.0.0.1', PORT: '0' });
    children.push(started.child);
    expect(started.output()).toContain('Embedded provider sandboxes');

    const answered = await post(started.graphqlUrl, ACCOUNTS);
    expect(answered.status, started.output()).toBe(200);
    expect(answered.body.errors).toBeUndefined();
    expect((answered.body.data.accounts as { provider: string }[]).map((account) => account.provider)).toEqual(expect.arrayContaining(['TELEPAGOS', 'TUPAY']));

    // The explorer (on outside production) opens with the example tabs, read from dist/operations.
    const page = await fetch(started.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const config = /<script type="application\/json" id="explorer-config">(.*?)<\/script>/s.exec(await page.text())?.[1];
    expect(config, 'the explorer page carries its settings').toBeDefined();
    const tabs = (JSON.parse(config!) as { tabs: { query: string }[] }).tabs;
    expect(tabs.map((tab) => tab.query)).toEqual(await Promise.all(EXAMPLE_FILES.map((name) => readFile(join(ROOT, 'operations', name), 'utf8'))));

    expect(await stop(started.child)).toBe(0);
  }, 60_000);

  it('ends gracefully when SIGTERM reaches `npm run start:prod`, not only npm (the script execs node)', async () => {
    const npm = spawnNpmScript('start:prod', { HOST: '127.0.0.1', LOG_LEVEL: 'info' }, folder);
    const { graphql } = await npm.ready(START_TIMEOUT_MS);
    expect(await (await fetch(graphql.replace(/\/graphql$/, '/healthz'))).json()).toEqual({ status: 'ok' });
    const started = descendants(npm.child.pid!);
    const gateway = started.find((p) => /(^|\/)node$/.test(p.args[0] ?? '') && p.args[1] === 'dist/main.js');
    expect(gateway, JSON.stringify(started)).toBeDefined();
    // The gateway's graceful exit (code 0), which npm passes on.
    expect(await terminateThroughNpm(npm, started), npm.stderr()).toEqual({ code: 0, signal: null });
    expect(npm.stdout()).toContain('shutting down');
  }, 60_000);
});
