/**
 * Starts the provider sandboxes together — every one the providers' folders declare
 * (src/providers/sandboxes.ts) — for `npm run sandbox`, the gateway's embedded default (src/main.ts)
 * and the tests. The gateway itself never imports this folder.
 */
import { addedSandboxes, SANDBOX_KEYS, SANDBOXES, type SandboxKey, type StartedSandbox } from '../providers/sandboxes.js';
import { sandboxVariantFromEnv, type SandboxVariant } from './variant.js';

/** The options of each sandbox, by key (its `start`'s). */
type OwnOptions = { [K in SandboxKey]?: Parameters<(typeof SANDBOXES)[K]['start']>[0] };

export interface SandboxesOptions extends OwnOptions {
  host?: string;
  /** Port per sandbox; 0 (default) picks free ones. */
  ports?: { [K in SandboxKey]?: number };
  seed?: number;
  now?: Date;
  /** The wire variant of them all (./variant.ts). Default: `SANDBOX_VARIANT` from the environment, else `documented`. */
  variant?: SandboxVariant;
}

/** Each sandbox running, by key; those of providers added at run time (`addSandbox`) in `added`; one `close` for them all. */
export type RunningSandboxes = { [K in SandboxKey]: Awaited<ReturnType<(typeof SANDBOXES)[K]['start']>> } & {
  added: Readonly<Record<string, StartedSandbox>>;
  close(): Promise<void>;
};

export async function startSandboxes(options: SandboxesOptions = {}): Promise<RunningSandboxes> {
  // Only what was given: an explicit `undefined` would hide a provider's own default (its seed, say).
  const common = Object.fromEntries(
    Object.entries({ host: options.host, seed: options.seed, now: options.now, variant: options.variant ?? sandboxVariantFromEnv() }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  const port = (p: number | undefined) => (p === undefined ? {} : { port: p });
  const extra = [...addedSandboxes()];
  const started = await Promise.allSettled([
    ...SANDBOX_KEYS.map((key) => {
      const start = SANDBOXES[key].start as (options: object) => Promise<StartedSandbox>;
      return start({ ...common, ...port(options.ports?.[key]), ...options[key] });
    }),
    ...extra.map(([, block]) => block.start({ ...common })),
  ]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // All or nothing: close the ones that did start (a port may have been taken), then report why.
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    throw failed.reason;
  }
  const running = started.map((r) => (r as PromiseFulfilledResult<StartedSandbox>).value);
  return {
    ...Object.fromEntries(SANDBOX_KEYS.map((key, i) => [key, running[i]])),
    added: Object.fromEntries(extra.map(([key], i) => [key, running[SANDBOX_KEYS.length + i]])),
    close: async () => {
      await Promise.all(running.map((sandbox) => sandbox.close()));
    },
  } as RunningSandboxes;
}

export type { RunningSandbox } from './server.js';
