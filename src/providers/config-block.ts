/**
 * What a provider's folder declares about its configuration (src/providers/<p>/config.ts): the variable
 * that configures it, how its block is read from the environment, and its block for the embedded sandbox.
 * src/config.ts reads every block in its list.
 */
import type { ProviderWireChoices } from './wire-choices.js';
import type { Env, Problems } from '../config-env.js';

export interface ProviderConfigBlock<C> {
  /** The URL variable: set, it configures the provider (the rest then required) and turns the embedded default off. */
  urlVariable: string;
  /** The provider's block, once its URL variable holds a valid URL; problems are added, never thrown. */
  read(env: Env, problems: Problems, production: boolean, url: string): C;
  /** The provider pointed at its embedded sandbox (at `url`) with the sandbox credentials. */
  sandbox(url: string): C;
  /**
   * The answers its embedded sandbox plays for its wire choices (the sandbox's `wire` option), from the
   * gateway's wire settings, so the sandbox plays what the gateway expects. None: the sandbox's guesses.
   */
  sandboxWire?(wire: ProviderWireChoices): Readonly<Record<string, string>>;
}

/** `when TELEPAGOS_URL is set`: why a provider's credential is required. */
export const whenSet = (urlVariable: string): string => `when ${urlVariable} is set`;
