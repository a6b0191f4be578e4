/**
 * The providers' embedded sandboxes, each declared by its folder (src/providers/<p>/sandbox.ts): the
 * list `npm run sandbox` (src/sandbox/cli.ts), the gateway's embedded default (src/main.ts) and the
 * tests start (src/sandbox/index.ts). A provider with a sandbox adds one entry here.
 */
import { taloSandbox } from './talo/sandbox.js';
import { telepagosSandbox } from './telepagos/sandbox.js';
import { tupaySandbox } from './tupay/sandbox.js';

export const SANDBOXES = { telepagos: telepagosSandbox, talo: taloSandbox, tupay: tupaySandbox } as const;

export type SandboxKey = keyof typeof SANDBOXES;

export const SANDBOX_KEYS = Object.keys(SANDBOXES) as SandboxKey[];

/** Each sandbox's credentials, by key. */
export const SANDBOX_CREDENTIALS = Object.fromEntries(SANDBOX_KEYS.map((key) => [key, SANDBOXES[key].credentials])) as {
  readonly [K in SandboxKey]: (typeof SANDBOXES)[K]['credentials'];
};

/** Each sandbox's `npm run sandbox` port, by key. */
export function sandboxDefaultPorts(): { [K in SandboxKey]: number } {
  return Object.fromEntries(SANDBOX_KEYS.map((key) => [key, SANDBOXES[key].port.default])) as { [K in SandboxKey]: number };
}
