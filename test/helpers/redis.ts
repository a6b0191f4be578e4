/**
 * Redis for tests. The shared server on 127.0.0.1:6379 (also used by CI) is only ever touched under a
 * prefix of our own, `pasarela-test:<random>:`, whose keys are deleted afterwards (SCAN + DEL — never
 * FLUSHALL/FLUSHDB). Tests that stop Redis start a private `redis-server` on a free port instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { request } from 'undici';
import type { ClientRegistry } from '../../src/auth/clients.js';
import { loadConfig, withSandboxes, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createGateway, type Gateway } from '../../src/server.js';
import type { RunningSandboxes } from '../../src/sandbox/index.js';
import type { SharedState } from '../../src/state/index.js';
import type { GraphQLResponse } from './gateway.js';
import { waitFor } from './wait.js';

/** Re-exported for the Redis and state suites that import it from here. */
export { waitFor };

/** The shared Redis (override with PASARELA_TEST_REDIS_URL). */
export const TEST_REDIS_URL = process.env.PASARELA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other run uses. */
export function testPrefix(label = 'run'): string {
  return `pasarela-test:${label}-${process.pid}-${randomBytes(6).toString('hex')}:`;
}

/** Glob-escapes a prefix for SCAN MATCH. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** The keys under `prefix` (SCAN, never KEYS). */
export async function keysUnder(prefix: string, url = TEST_REDIS_URL): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deletePrefix(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  if (!prefix.startsWith('pasarela-test:') || prefix.length < 'pasarela-test:x:'.length) throw new Error(`refusing to delete under ${prefix}`);
  const keys = await keysUnder(prefix, url);
  if (keys.length === 0) return 0;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

/** A free TCP port on loopback (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Answers PING on `port` within a short timeout. */
async function pings(port: number): Promise<boolean> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 500, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * A private, throw-away redis-server (no persistence) on a port of its own, which tests may stop and
 * start again on the same port — never the shared one.
 */
export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts (again) on the same port and waits until it answers. */
  async start(): Promise<void> {
    if (this.running) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    this.child = child;
    child.once('error', () => undefined);
    await waitFor(`redis-server on port ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      return pings(this.port);
    });
  }

  /**
   * Stops the process (SIGSTOP): its port still accepts connections and takes commands, but nothing is
   * answered until `thaw` — a Redis that hangs rather than one that is gone.
   */
  freeze(): void {
    if (!this.running) throw new Error(`redis-server on port ${this.port} is not running`);
    this.child!.kill('SIGSTOP');
  }

  /** Lets a frozen process run again (SIGCONT); harmless when it is not frozen. */
  thaw(): void {
    if (this.running) this.child!.kill('SIGCONT');
  }

  /** Kills it (SIGKILL: an outage, not a shutdown) and waits until the port is closed. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
    await waitFor(`redis-server on port ${this.port} to stop answering`, async () => !(await pings(this.port)));
  }
}

// ── Gateway replicas ────────────────────────────────────────────────────────────────────────────

/** The gateway's configuration pointed at running sandboxes (as test/helpers/gateway.ts builds it). */
export function replicaConfig(sandboxes: RunningSandboxes, env: Record<string, string> = {}): Config {
  const wired = withSandboxes(loadConfig({ UPSTREAM_TIMEOUT_MS: '3000', ...env }), {
    telepagos: sandboxes.telepagos.url,
    talo: sandboxes.talo.url,
    tupay: sandboxes.tupay.url,
  });
  return { ...wired, port: 0, embedded: false };
}

export interface Replica {
  name: string;
  url: string;
  wsUrl: string;
  gateway: Gateway;
  state: SharedState;
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** GET /readyz. */
  ready(): Promise<{ status: number; body: any }>;
  /** Closes the gateway, then its state. */
  close(): Promise<void>;
}

/** One gateway replica over real HTTP on its own port, with its own state connections. */
export async function startReplica(name: string, options: { config: Config; state: SharedState; clients?: ClientRegistry }): Promise<Replica> {
  const gateway = await createGateway({
    config: { ...options.config },
    logger: createLogger({ level: 'silent' }),
    state: options.state,
    clients: options.clients,
  });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
  return {
    name,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    gateway,
    state: options.state,
    async query(query, variables, headers = {}) {
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: JSON.parse(text) };
    },
    async ready() {
      const response = await request(`${url}/readyz`);
      return { status: response.statusCode, body: JSON.parse(await response.body.text()) };
    },
    async close() {
      await gateway.close();
      await options.state.close();
    },
  };
}
