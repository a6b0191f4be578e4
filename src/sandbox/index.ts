/**
 * Starts the three provider sandboxes together: used by `npm run sandbox`, by the gateway's embedded
 * default (src/main.ts) and by tests. The gateway itself never imports this folder.
 */
import type { RunningSandbox } from './server.js';
import { startTelepagosSandbox, type TelepagosSandboxOptions, type TelepagosState } from './telepagos/index.js';
import { startTaloSandbox, type TaloSandboxOptions, type TaloState } from './talo/index.js';
import { startTupaySandbox, type TupaySandboxOptions, type TupayState } from './tupay/index.js';
import { sandboxVariantFromEnv, type SandboxVariant } from './variant.js';

export interface SandboxesOptions {
  host?: string;
  /** Port per sandbox; 0 (default) picks free ones. */
  ports?: { telepagos?: number; talo?: number; tupay?: number };
  seed?: number;
  now?: Date;
  /** The wire variant of all three (./variant.ts). Default: `SANDBOX_VARIANT` from the environment, else `documented`. */
  variant?: SandboxVariant;
  telepagos?: TelepagosSandboxOptions;
  talo?: TaloSandboxOptions;
  tupay?: TupaySandboxOptions;
}

export interface RunningSandboxes {
  telepagos: RunningSandbox<TelepagosState>;
  talo: RunningSandbox<TaloState>;
  tupay: RunningSandbox<TupayState>;
  close(): Promise<void>;
}

export async function startSandboxes(options: SandboxesOptions = {}): Promise<RunningSandboxes> {
  // Only what was given: an explicit `undefined` would hide a provider's own default (its seed, say).
  const common = Object.fromEntries(
    Object.entries({ host: options.host, seed: options.seed, now: options.now, variant: options.variant ?? sandboxVariantFromEnv() }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  const port = (p: number | undefined) => (p === undefined ? {} : { port: p });
  const started = await Promise.allSettled([
    startTelepagosSandbox({ ...common, ...port(options.ports?.telepagos), ...options.telepagos }),
    startTaloSandbox({ ...common, ...port(options.ports?.talo), ...options.talo }),
    startTupaySandbox({ ...common, ...port(options.ports?.tupay), ...options.tupay }),
  ] as const);
  const [telepagosResult, taloResult, tupayResult] = started;
  if (telepagosResult.status === 'rejected' || taloResult.status === 'rejected' || tupayResult.status === 'rejected') {
    // All or nothing: close the ones that did start (a port may have been taken), then report why.
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    throw started.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
  }
  const [telepagos, talo, tupay] = [telepagosResult.value, taloResult.value, tupayResult.value];
  return {
    telepagos,
    talo,
    tupay,
    close: async () => {
      await Promise.all([telepagos.close(), talo.close(), tupay.close()]);
    },
  };
}

export type { RunningSandbox } from './server.js';
