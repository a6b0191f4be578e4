/**
 * `npm start`: the gateway on http://HOST:PORT/graphql. With no provider URL configured (the embedded
 * default) it first starts the three provider sandboxes on loopback and points itself at them.
 */
import 'reflect-metadata';
import { ClientRegistry, ClientsFileError } from './auth/clients.js';
import { ConfigError, loadConfig, sandboxWireOptions, withSandboxes, type Config } from './config.js';
import { createLogger, stdoutLog } from './logging.js';
import { createGateway } from './server.js';
import { pointSandboxNotificationsAt } from './embedded.js';
import { memoryState, redisState } from './state/index.js';
import { SANDBOX_KEYS, SANDBOXES, sandboxDefaultPorts } from './providers/sandboxes.js';
import type { RunningSandboxes } from './sandbox/index.js';
import { tracingRequested } from './observability/tracing.js';
import type { RunningTracing } from './observability/tracing-sdk.js';

/** How long the last log lines may take to leave on exit (stdout may be full or gone). */
const LOG_FLUSH_MS = 1_000;

const EXAMPLE_QUERY = `query Dashboard {
  accounts { provider balance { amount currency } }
  account(provider: TELEPAGOS) {
    transactions(from: "${daysAgo(30)}", to: "${daysAgo(0)}", first: 5) {
      totalCount
      nodes { createdAt direction amount { amount currency } status counterparty { name } salePoint { name } }
    }
  }
}`;

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The sandboxes on their usual ports, or on free ones when those are taken (e.g. by `npm run sandbox`),
 * playing the answers the wire settings say the providers give (docs/providers.md, "Wire settings").
 */
async function startEmbeddedSandboxes(wire: Config['providers']['wire']): Promise<RunningSandboxes> {
  const { startSandboxes } = await import('./sandbox/index.js');
  const played = wire && sandboxWireOptions(wire);
  try {
    return await startSandboxes({ ports: sandboxDefaultPorts(), ...played });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startSandboxes({ ...played });
  }
}

/**
 * Why the gateway cannot listen where it was told, as one line naming the variable to change, or
 * undefined for another failure. (4000 is also Apollo Server's default port, so it is often taken.)
 */
function listenProblem(error: unknown, config: Config): string | undefined {
  const where = `${config.host}:${config.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `PORT ${config.port} is already in use on ${config.host} (another server listens there): stop it, or set PORT to a free port, e.g. PORT=${config.port === 4100 ? 4200 : 4100}`;
    case 'EACCES':
      return `PORT ${config.port} needs privileges this process lacks (ports below 1024): set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `HOST ${config.host} is not an address of this machine (cannot listen on ${where}): set HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0`;
    default:
      return undefined;
  }
}

/** Every problem of CLIENTS_FILE and its manifests, one line each, then exit 2. */
function exitWithProblems(error: ClientsFileError): never {
  for (const problem of error.problems) console.error(`Configuration error: ${problem}`);
  process.exit(2);
}

/**
 * OpenTelemetry tracing when the standard OTEL_* variables ask for it (docs/operations.md): the SDK is
 * loaded only then. A setting it cannot honour is a configuration error.
 */
async function startTracingFromEnv(): Promise<RunningTracing | undefined> {
  if (!tracingRequested(process.env)) return undefined;
  const { startTracing, TracingConfigError } = await import('./observability/tracing-sdk.js');
  try {
    return await startTracing();
  } catch (error) {
    if (!(error instanceof TracingConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line per problem: every one is reported at once, not one per restart.
      for (const { variable, problem } of error.problems) console.error(`Configuration error: ${variable} ${problem}`);
      process.exit(2);
    }
    throw error;
  }
  const tracing = await startTracingFromEnv();
  const output = stdoutLog();
  const logger = createLogger({ level: config.logLevel, destination: output });
  if (tracing) logger.info('OpenTelemetry tracing on (OTEL_* variables)');

  let clients: ClientRegistry | undefined;
  if (config.clientsFile) {
    try {
      clients = await ClientRegistry.fromFile(config.clientsFile, { production: config.production, allowHttpWebhooks: config.webhookDelivery.allowHttp });
    } catch (error) {
      if (error instanceof ClientsFileError) exitWithProblems(error);
      throw error;
    }
    logger.info({ clients: clients.size }, 'client apps loaded; every request needs an API key');
  } else {
    logger.warn('OPEN ACCESS: no CLIENTS_FILE, so any caller may read and move money. Never run like this in production.');
  }

  let sandboxes: RunningSandboxes | undefined;
  let sandboxUrls: Parameters<typeof withSandboxes>[1] | undefined;
  if (config.embedded) {
    const running = await startEmbeddedSandboxes(config.providers.wire);
    const urls = Object.fromEntries(SANDBOX_KEYS.map((key) => [key, running[key].url])) as Parameters<typeof withSandboxes>[1];
    config = withSandboxes(config, urls);
    sandboxes = running;
    sandboxUrls = urls;
  }

  const state = config.redisUrl ? redisState(config.redisUrl, config.redisPrefix, config.redisCommandTimeoutMs, config.eventLog) : memoryState(config.eventLog);
  logger.info({ state: state.kind }, config.redisUrl ? 'shared state in Redis: replicas may run side by side' : 'shared state in memory: run one replica');
  let gateway;
  try {
    // The manifests the apps list are read and compiled here; CLIENTS_FILE and they are reloaded on
    // SIGHUP and when they change on disk.
    gateway = await createGateway({ config, logger, clients, state, clientsFile: config.clientsFile, watchClients: config.clientsFile !== undefined });
  } catch (error) {
    if (error instanceof ClientsFileError) exitWithProblems(error);
    throw error;
  }
  try {
    await gateway.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    const problem = listenProblem(error, config);
    if (!problem) throw error;
    console.error(`Configuration error: ${problem}`);
    await output.flushWithin(LOG_FLUSH_MS);
    process.exit(2);
  }
  const address = gateway.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  // PORT=0 (a free port): the default public URL (where providers and the embedded sandboxes send their
  // notifications) is the port actually taken. The gateway reads config.publicUrl per request.
  if (config.publicUrl === `http://localhost:${config.port}` && port !== config.port) config.publicUrl = `http://localhost:${port}`;

  if (sandboxes) await pointSandboxNotificationsAt(config, sandboxes);

  // The same facts as one log line for log collectors, and as a banner for a person on stderr, so
  // stdout carries only JSON log lines.
  logger.info({ url, ...(sandboxUrls ? { sandboxes: sandboxUrls } : { providers: gateway.providers.configured }) }, 'listening');
  console.error(`\nPasarela gateway: ${url}${config.explorer === 'off' ? '' : '  (open it in a browser: the explorer)'}`);
  if (sandboxUrls) {
    const urls = sandboxUrls;
    const lines = SANDBOX_KEYS.map((key) => `  ${SANDBOXES[key].label.padEnd(9)} ${urls[key]}`);
    console.error(`Embedded provider sandboxes (no provider URL configured):\n${lines.join('\n')}`);
  } else {
    console.error(`Providers: ${gateway.providers.configured.join(', ') || 'none configured'}`);
  }
  console.error(`\nTry:\n${EXAMPLE_QUERY}\n`);

  /**
   * Graceful shutdown: stop accepting; requests in flight finish (up to SHUTDOWN_GRACE_MS); WebSockets
   * are closed with 1001 "going away"; the Tupay session is destroyed; logs are flushed; exit 0. A
   * request still running when the grace period ends is cut, and the exit code says so (1). Logging
   * never blocks (stdoutLog), so the grace timer always runs; the last lines get at most
   * LOG_FLUSH_MS to leave, then the process exits whether or not anyone reads them.
   */
  const exit = (code: number) => void output.flushWithin(LOG_FLUSH_MS).then(() => process.exit(code));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: finishing requests in flight');
    const cut = setTimeout(() => {
      logger.error('grace period over: requests still in flight were cut');
      exit(1);
    }, config.shutdownGraceMs);
    cut.unref();
    await gateway.close();
    await state.close();
    await sandboxes?.close();
    // The last spans are exported (bounded by the exporter's own timeout, OTEL_EXPORTER_OTLP_TIMEOUT).
    await tracing?.shutdown().catch(() => undefined);
    clearTimeout(cut);
    logger.info('stopped');
    exit(0);
  };
  process.on('SIGHUP', () => void gateway.reloadClients());
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
