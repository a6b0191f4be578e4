/**
 * `npm run sandbox`: every provider sandbox (src/providers/sandboxes.ts) on its fixed port (each
 * overridable with its variable: SANDBOX_PORT_TELEPAGOS, _TALO, _TUPAY; defaults 4101, 4102, 4103) and
 * SANDBOX_HOST (default 127.0.0.1), until Ctrl-C. SANDBOX_NOW (an ISO date-time) pins the end of the
 * seeded history and SANDBOX_SEED its seed, for reproducible demos.
 */
import { SANDBOX_KEYS, SANDBOXES } from '../providers/sandboxes.js';
import { startSandboxes } from './index.js';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) fail(`${name} must be a port number (0-65535), got "${raw}"`);
  return value;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const nowText = process.env.SANDBOX_NOW;
const now = nowText ? new Date(nowText) : undefined;
if (now && Number.isNaN(now.getTime())) fail(`SANDBOX_NOW must be an ISO date-time, got "${nowText}"`);
const seedText = process.env.SANDBOX_SEED;
const seed = seedText ? Number(seedText) : undefined;
if (seed !== undefined && !Number.isInteger(seed)) fail(`SANDBOX_SEED must be an integer, got "${seedText}"`);

const sandboxes = await startSandboxes({
  now,
  seed,
  host: process.env.SANDBOX_HOST || '127.0.0.1',
  ports: Object.fromEntries(SANDBOX_KEYS.map((key) => [key, port(SANDBOXES[key].port.variable, SANDBOXES[key].port.default)])),
});

const lines = SANDBOX_KEYS.map((key) => `  ${SANDBOXES[key].label.padEnd(10)} ${sandboxes[key].url}   ${SANDBOXES[key].describe}`);
console.log(`Pasarela provider sandboxes (control surface under /_sandbox/ on each):
${lines.join('\n')}
Ctrl-C stops them.`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void sandboxes.close().then(() => process.exit(0));
  });
}
