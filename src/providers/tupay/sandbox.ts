/** Tupay's embedded sandbox (src/sandbox/tupay/), as the sandbox list starts it. */
import type { TupaySandboxOptions } from '../../sandbox/tupay/index.js';
import type { SandboxBlock } from '../sandbox-block.js';
import { TUPAY_SANDBOX_CREDENTIALS as credentials } from './sandbox-credentials.js';

export const tupaySandbox = {
  label: 'Tupay',
  credentials,
  port: { default: 4103, variable: 'SANDBOX_PORT_TUPAY' },
  describe: `access key "${credentials.accessKey}", secret key "${credentials.secretKey}"`,
  start: async (options: TupaySandboxOptions) => (await import('../../sandbox/tupay/index.js')).startTupaySandbox(options),
} satisfies SandboxBlock<TupaySandboxOptions, unknown>;
