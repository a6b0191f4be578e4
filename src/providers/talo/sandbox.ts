/** Talo's embedded sandbox (src/sandbox/talo/), as the sandbox list starts it. */
import type { TaloSandboxOptions } from '../../sandbox/talo/index.js';
import type { SandboxBlock } from '../sandbox-block.js';
import { TALO_SANDBOX_CREDENTIALS as credentials } from './sandbox-credentials.js';

export const taloSandbox = {
  label: 'Talo',
  credentials,
  port: { default: 4102, variable: 'SANDBOX_PORT_TALO' },
  describe: `user id ${credentials.userId}, client id "${credentials.clientId}", client secret "${credentials.clientSecret}"`,
  start: async (options: TaloSandboxOptions) => (await import('../../sandbox/talo/index.js')).startTaloSandbox(options),
} satisfies SandboxBlock<TaloSandboxOptions, unknown>;
