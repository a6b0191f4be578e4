/**
 * The three provider sandboxes in their own process, for the benchmark: like `npm run sandbox`, plus the
 * TelePagos history size of the scale case. Prints `SANDBOXES {"telepagos":url,…}` once listening.
 *
 * Env: SANDBOX_NOW, SANDBOX_SEED, BENCH_TP_DAYS, BENCH_TP_PER_DAY (TelePagos history: days and average
 * transactions per day).
 */
import { startSandboxes } from '../../src/sandbox/index.js';

const num = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const days = num('BENCH_TP_DAYS');
const transactionsPerDay = num('BENCH_TP_PER_DAY');

const sandboxes = await startSandboxes({
  host: '127.0.0.1',
  now: process.env.SANDBOX_NOW ? new Date(process.env.SANDBOX_NOW) : undefined,
  seed: num('SANDBOX_SEED'),
  telepagos: { ...(days ? { days } : {}), ...(transactionsPerDay ? { transactionsPerDay } : {}) },
});
console.log(`SANDBOXES ${JSON.stringify({ telepagos: sandboxes.telepagos.url, talo: sandboxes.talo.url, tupay: sandboxes.tupay.url })}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandboxes.close().then(() => process.exit(0)));
}
