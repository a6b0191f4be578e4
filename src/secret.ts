/**
 * A secret (password, API secret, webhook secret) that cannot leak by accident: printing it, logging
 * it, interpolating it or serializing it yields "[redacted]", and its value is a known secret to the
 * sanitiser (`knowSecret`), so a provider that echoes it in an error text has it redacted too. Only
 * `reveal()` gives the value, at the one place that must send it.
 */
import { inspect } from 'node:util';
import { knowSecret } from './sanitize.js';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  /** `known: false` for a value that opens nothing (the sandboxes' public credentials): never redacted from text. */
  constructor(value: string, options: { known?: boolean } = {}) {
    this.#value = value;
    if (options.known !== false) knowSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
