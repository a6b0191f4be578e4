/**
 * The providers' embedded sandboxes, each declared by its folder (src/providers/<p>/sandbox.ts): the
 * list `npm run sandbox` (src/sandbox/cli.ts), the gateway's embedded default (src/main.ts) and the
 * tests start (src/sandbox/index.ts). A provider with a sandbox adds one entry here, or (a provider
 * added at run time, as the test-only fourth provider is) calls `addSandbox`.
 */
import type { SandboxBlock } from './sandbox-block.js';
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

/** A sandbox running: where it listens, and how it stops. */
export interface StartedSandbox {
  url: string;
  close(): Promise<void>;
}

const added = new Map<string, SandboxBlock<Record<string, unknown>, StartedSandbox>>();

/** A sandbox declared by a provider added at run time (`addProvider`): started with the built-in ones. */
export function addSandbox(key: string, block: SandboxBlock<Record<string, unknown>, StartedSandbox>): void {
  if (key in SANDBOXES || added.has(key)) throw new Error(`sandbox ${key} exists`);
  added.set(key, block);
}

/** The sandboxes added at run time, by key. */
export function addedSandboxes(): ReadonlyMap<string, SandboxBlock<Record<string, unknown>, StartedSandbox>> {
  return added;
}
