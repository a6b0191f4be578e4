/**
 * A secret (password, API secret, webhook secret) that cannot leak by accident: printing it, logging
 * it, interpolating it or serializing it yields "[redacted]". Only `reveal()` gives the value, at the
 * one place that must send it.
 */
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
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
