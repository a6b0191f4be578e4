/**
 * The servers of the benchmark, started the same way by `run.ts` and `profile.ts`: the sandboxes, Pasarela
 * as deployed (or a variant file), and the baselines. Each is its own process on loopback.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { BALANCE_QUERY } from './queries.js';
import { freePort, ROOT, startTs, type Proc } from './proc.js';

export type Urls = { telepagos: string; talo: string; tupay: string };

export interface Server {
  proc: Proc;
  url: string;
  apiKey?: string;
}

/** The seeded history ends here, so ids, amounts and page counts repeat from run to run. */
export const NOW = '2026-01-15T12:00:00Z';

export async function startSandboxes(env: Record<string, string> = {}): Promise<{ proc: Proc; urls: Urls }> {
  const proc = startTs('sandboxes', 'bench/servers/sandboxes.ts', { SANDBOX_NOW: NOW, ...env }, /SANDBOXES (\{.*\})/);
  const match = await proc.ready;
  return { proc, urls: JSON.parse(match[1]!) as Urls };
}

/** The benchmark's client app: a real API key, checked on every request. */
export const API_KEY = randomBytes(24).toString('base64url');
/**
 * A second client app, `trusted-only` with a manifest holding the balance query (case 9 sends it by
 * id): the key, and the document's id.
 */
export const TRUSTED_API_KEY = randomBytes(24).toString('base64url');
export const BALANCE_DOCUMENT_ID = `sha256:${createHash('sha256').update(BALANCE_QUERY).digest('hex')}`;
const clientsFile = join(tmpdir(), `pasarela-bench-clients-${process.pid}.json`);
const manifestFile = join(tmpdir(), `pasarela-bench-manifest-${process.pid}.json`);
writeFileSync(manifestFile, JSON.stringify({ [BALANCE_DOCUMENT_ID]: BALANCE_QUERY }));
// The rate limiter runs on every request (it is one of the protections measured) but never refuses.
const unlimited = { perSecond: 1_000_000, burst: 1_000_000 };
writeFileSync(
  clientsFile,
  JSON.stringify([
    { name: 'bench', keySha256: createHash('sha256').update(API_KEY).digest('hex'), scopes: ['read', 'cashin', 'cashout'], rateLimit: unlimited },
    {
      name: 'bench-web',
      keySha256: createHash('sha256').update(TRUSTED_API_KEY).digest('hex'),
      scopes: ['read'],
      rateLimit: unlimited,
      documents: 'trusted-only',
      manifests: [manifestFile],
    },
  ]),
);
process.once('exit', () => {
  for (const file of [clientsFile, manifestFile]) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
});

/** Pasarela as deployed: production mode, API keys, rate limit, every limit and plugin on. */
function gatewayEnv(urls: Urls, port: number): Record<string, string> {
  const { telepagos, talo, tupay } = SANDBOX_CREDENTIALS;
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    CLIENTS_FILE: clientsFile,
    TELEPAGOS_URL: urls.telepagos,
    TELEPAGOS_USERNAME: telepagos.username,
    TELEPAGOS_PASSWORD: telepagos.password,
    TELEPAGOS_WEBHOOK_SECRET: telepagos.webhookSecret,
    TALO_URL: urls.talo,
    TALO_USER_ID: talo.userId,
    TALO_CLIENT_ID: talo.clientId,
    TALO_CLIENT_SECRET: talo.clientSecret,
    TALO_WEBHOOK_SECRET: talo.webhookSecret,
    TUPAY_URL: urls.tupay,
    TUPAY_ACCESS_KEY: tupay.accessKey,
    TUPAY_SECRET_KEY: tupay.secretKey,
    TUPAY_WEBHOOK_SECRET: tupay.webhookSecret,
  };
}

/** BENCH_GATEWAY_FLAGS: Node/V8 flags for every Pasarela process of a run (tuning experiments). */
const GATEWAY_FLAGS = (process.env.BENCH_GATEWAY_FLAGS ?? '').split(' ').filter(Boolean);

let built: string | undefined;

/**
 * The production build, `npm run build` (tsc into dist/), made once per benchmark run: what `npm run
 * start:prod` and a production install run with plain `node`. Returns the file to start. A gateway
 * started from `src/main.ts` runs under tsx, whose loader thread and transform cache add about 45 MB of
 * resident memory that production never has (133 against 178 MB idle here).
 */
export function productionBuild(): string {
  if (!built) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    built = 'dist/main.js';
  }
  return built;
}

/** Pasarela as deployed (or `file`), with `nodeArgs` and extra `env` (OTEL_* variables, say). */
export async function startGateway(urls: Urls, file = 'src/main.ts', nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const proc = startTs(`gateway (${file})`, file, { ...gatewayEnv(urls, port), ...env }, /Pasarela gateway: (http:\/\/\S+\/graphql)/, [
    ...GATEWAY_FLAGS,
    ...nodeArgs,
  ]);
  await proc.ready;
  return { proc, url: `http://127.0.0.1:${port}/graphql`, apiKey: API_KEY };
}

export async function startBaseline(file: string, urls: Urls, memory: boolean, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  const proc = startTs(file, file, { PORT: String(port), TELEPAGOS_URL: urls.telepagos, BENCH_MEMORY: memory ? '1' : '0' }, /LISTENING/, nodeArgs);
  await proc.ready;
  return { proc, url: `http://127.0.0.1:${port}/graphql` };
}
