/**
 * Cuarta's embedded sandbox, declared as a provider's folder declares one (src/providers/sandbox-block.ts)
 * and added to the registry's list (`addSandbox`): the sandboxes the gateway's tests start include it,
 * and stop it with the rest.
 */
import type { SandboxBlock } from '../../src/providers/sandbox-block.js';
import type { StartedSandbox } from '../../src/providers/sandboxes.js';
import { CUARTA_KEY } from './adapter.js';
import { startFakeCuarta, type FakeCuarta } from './server.js';

let running: FakeCuarta | undefined;

/** The sandbox the list started (its URL is what the adapter is given). */
export function cuartaServer(): FakeCuarta {
  if (!running) throw new Error('the Cuarta sandbox has not been started');
  return running;
}

export const cuartaSandbox: SandboxBlock<Record<string, unknown>, StartedSandbox> = {
  label: 'Cuarta',
  credentials: { key: CUARTA_KEY },
  port: { default: 4104, variable: 'SANDBOX_PORT_CUARTA' },
  describe: `key "${CUARTA_KEY}"`,
  start: async () => (running = await startFakeCuarta()),
};
