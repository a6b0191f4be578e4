/** TelePagos's embedded sandbox (src/sandbox/telepagos/), as the sandbox list starts it. */
import type { TelepagosSandboxOptions } from '../../sandbox/telepagos/index.js';
import type { SandboxBlock } from '../sandbox-block.js';
import { TELEPAGOS_SANDBOX_CREDENTIALS as credentials } from './sandbox-credentials.js';

export const telepagosSandbox = {
  label: 'TelePagos',
  credentials,
  port: { default: 4101, variable: 'SANDBOX_PORT_TELEPAGOS' },
  describe: `username "${credentials.username}", password "${credentials.password}"`,
  start: async (options: TelepagosSandboxOptions) => (await import('../../sandbox/telepagos/index.js')).startTelepagosSandbox(options),
} satisfies SandboxBlock<TelepagosSandboxOptions, unknown>;
