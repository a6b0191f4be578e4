/**
 * What a provider's folder declares about its embedded sandbox (src/providers/<p>/sandbox.ts): its name,
 * the public credentials it accepts, its port for `npm run sandbox`, and how to start it. The list in
 * src/providers/sandboxes.ts is what `npm run sandbox`, the gateway's embedded default and the tests
 * start; each provider's config block points the gateway at its sandbox with the same credentials.
 */
export interface SandboxBlock<Options, Running> {
  /** Its name in banners. */
  label: string;
  /** The credentials it accepts: public, they open nothing but a simulator on loopback. */
  credentials: Readonly<Record<string, string>>;
  /** Its port for `npm run sandbox` (the embedded default tries it first) and the variable that changes it. */
  port: { default: number; variable: string };
  /** Its credentials as `npm run sandbox` prints them. */
  describe: string;
  /** Starts it: the sandbox's code is loaded only then (a gateway pointed at real providers never loads it). */
  start(options: Options): Promise<Running>;
}
