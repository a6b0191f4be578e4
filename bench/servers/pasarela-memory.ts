/**
 * Pasarela answering the benchmark's balance query from memory: the real gateway (createGateway, same
 * config, auth, limits and plugins as `src/main.ts`), with the TelePagos client's `balance` replaced by a
 * constant. What remains is the cost of our server, not of the upstream call.
 */
import 'reflect-metadata';
import { ClientRegistry } from '../../src/auth/clients.js';
import { loadConfig } from '../../src/config.js';
import { money } from '../../src/domain/money.js';
import { createLogger } from '../../src/logging.js';
import { createGateway } from '../../src/server.js';
import { memoryState } from '../../src/state/index.js';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const clients = config.clientsFile ? await ClientRegistry.fromFile(config.clientsFile, { production: config.production }) : undefined;
const gateway = await createGateway({ config, logger, clients, clientsFile: config.clientsFile, state: memoryState() });
const telepagos = gateway.providers.telepagos;
// One constant, as the baselines' from-memory resolver returns one.
const balance = { total: money('2397261', 'ARS'), primary: true };
telepagos.balance = async () => balance;
await gateway.app.listen({ port: config.port, host: config.host });
console.log(`Pasarela gateway: http://${config.host}:${config.port}/graphql (balance from memory)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void gateway.close().then(() => process.exit(0)));
}
