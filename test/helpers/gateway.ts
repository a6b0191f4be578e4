/**
 * A gateway in the test process, pointed at the three sandboxes running as real HTTP servers on
 * loopback; queried over real HTTP like any client.
 */
import { afterAll, beforeAll } from 'vitest';
import { request } from 'undici';
import type { AddressInfo } from 'node:net';
import { loadConfig, withSandboxes, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logging.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import type { ClientRegistry } from '../../src/auth/clients.js';
import type { SharedState } from '../../src/state/index.js';
import { startSandboxes, type RunningSandboxes, type SandboxesOptions } from '../../src/sandbox/index.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { Secret } from '../../src/secret.js';

/** The sandboxes' history ends here in gateway tests, so expected values are stable. */
export const TEST_NOW = new Date('2026-01-15T12:00:00Z');

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface TestGateway {
  url: string;
  /** The GraphQL-over-WebSocket endpoint, ws://127.0.0.1:<port>/graphql. */
  wsUrl: string;
  gateway: Gateway;
  sandboxes: RunningSandboxes;
  config: Config;
  /** POSTs a GraphQL operation to /graphql. */
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Clears every sandbox's request log (and faults), keeping their state. */
  clearLogs(): void;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  sandboxes?: SandboxesOptions;
  /** Environment for loadConfig (provider URLs are filled in from the sandboxes). */
  env?: Record<string, string>;
  /** Which providers the gateway is told about (default all three). */
  providers?: ('telepagos' | 'talo' | 'tupay')[];
  logger?: Logger;
  /** Client apps and their API keys (CLIENTS_FILE); without them access is open. */
  clients?: ClientRegistry;
  /** The CLIENTS_FILE path `clients` came from: `gateway.reloadClients()` reads it again. */
  clientsFile?: string;
  /** Reload when CLIENTS_FILE or a manifest changes on disk. */
  watchClients?: boolean;
  /** Shared state (default: a fresh in-memory one); closing it is the test's business. */
  state?: SharedState;
  /**
   * Sets PUBLIC_URL to the gateway's own address once it listens (its port is only known then), so the
   * webhook URLs it hands to providers (Talo's per-payment webhook_url) point back at this gateway.
   */
  publicUrlIsGateway?: boolean;
  /**
   * Provider secrets the sandboxes accept and the gateway is configured with, in place of the sandbox
   * credentials (`sandbox`), which are too short and plain to stand for real ones.
   */
  secrets?: ProviderSecrets;
  /** The pipeline's steps (a test adds its own) and the executor's options, as createGateway takes them. */
  steps?: GatewayOptions['steps'];
  executor?: GatewayOptions['executor'];
}

export interface ProviderSecrets {
  telepagosPassword: string;
  taloClientSecret: string;
  tupaySecretKey: string;
}

/** The sandboxes' options with `secrets` as the only credentials they accept. */
function sandboxesWith(options: SandboxesOptions, secrets: ProviderSecrets): SandboxesOptions {
  const { telepagos, talo, tupay } = SANDBOX_CREDENTIALS;
  return {
    ...options,
    telepagos: { ...options.telepagos, credentials: { username: telepagos.username, password: secrets.telepagosPassword } },
    talo: { ...options.talo, credentials: [{ userId: talo.userId, clientId: talo.clientId, clientSecret: secrets.taloClientSecret }] },
    tupay: { ...options.tupay, credentials: { accessKey: tupay.accessKey, secretKey: secrets.tupaySecretKey } },
  };
}

/** `config` presenting `secrets` to the sandboxes. */
function configWith(config: Config, secrets: ProviderSecrets): Config {
  const { telepagos, talo, tupay } = config.providers;
  return {
    ...config,
    providers: {
      ...config.providers,
      telepagos: telepagos && { ...telepagos, password: new Secret(secrets.telepagosPassword) },
      talo: talo && { ...talo, clientSecret: new Secret(secrets.taloClientSecret) },
      tupay: tupay && { ...tupay, secretKey: new Secret(secrets.tupaySecretKey) },
    },
  };
}

/**
 * The environment loadConfig sees. With NODE_ENV=production it refuses the embedded default (no provider
 * URL), so there the sandboxes' URLs and credentials are given as the provider variables (anything the
 * test's env sets wins); elsewhere the env is passed as it is.
 */
function configEnv(sandboxes: RunningSandboxes, env: Record<string, string>): Record<string, string> {
  if (env.NODE_ENV !== 'production') return env;
  const { telepagos, talo, tupay } = SANDBOX_CREDENTIALS;
  return {
    TELEPAGOS_URL: sandboxes.telepagos.url,
    TELEPAGOS_USERNAME: telepagos.username,
    TELEPAGOS_PASSWORD: telepagos.password,
    TALO_URL: sandboxes.talo.url,
    TALO_USER_ID: talo.userId,
    TALO_CLIENT_ID: talo.clientId,
    TALO_CLIENT_SECRET: talo.clientSecret,
    TUPAY_URL: sandboxes.tupay.url,
    TUPAY_ACCESS_KEY: tupay.accessKey,
    TUPAY_SECRET_KEY: tupay.secretKey,
    ...env,
  };
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const sandboxOptions: SandboxesOptions = { now: TEST_NOW, ...options.sandboxes };
  const sandboxes = await startSandboxes(options.secrets ? sandboxesWith(sandboxOptions, options.secrets) : sandboxOptions);
  const sandboxed = withSandboxes(loadConfig(configEnv(sandboxes, { UPSTREAM_TIMEOUT_MS: '3000', ...options.env })), {
    telepagos: sandboxes.telepagos.url,
    talo: sandboxes.talo.url,
    tupay: sandboxes.tupay.url,
  });
  const wired = options.secrets ? configWith(sandboxed, options.secrets) : sandboxed;
  const keep = options.providers ?? ['telepagos', 'talo', 'tupay'];
  const config: Config = {
    ...wired,
    port: 0,
    embedded: false,
    // The wire settings are no provider: they stay whichever providers are kept.
    providers: { ...Object.fromEntries(Object.entries(wired.providers).filter(([name]) => keep.includes(name as 'talo'))), wire: wired.providers.wire },
  };
  const gateway = await createGateway({
    config,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    clients: options.clients,
    clientsFile: options.clientsFile,
    watchClients: options.watchClients,
    state: options.state,
    steps: options.steps,
    executor: options.executor,
  });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
  // The gateway reads config.publicUrl per request, so setting it after listening takes effect.
  if (options.publicUrlIsGateway) config.publicUrl = url;

  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    gateway,
    sandboxes,
    config,
    async query(query, variables, headers = {}) {
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: JSON.parse(text) };
    },
    clearLogs() {
      for (const sandbox of [sandboxes.telepagos, sandboxes.talo, sandboxes.tupay]) {
        sandbox.log.clear();
        sandbox.faults.clear();
      }
    },
    async close() {
      await gateway.close();
      await sandboxes.close();
    },
  };
}

/** beforeAll/afterAll wiring: `const gw = useTestGateway(); … gw().query(…)`. */
export function useTestGateway(options: TestGatewayOptions = {}): () => TestGateway {
  let current: TestGateway | undefined;
  beforeAll(async () => {
    current = await startTestGateway(options);
  }, 30_000);
  afterAll(async () => {
    await current?.close();
  });
  return () => {
    if (!current) throw new Error('the test gateway has not started');
    return current;
  };
}
