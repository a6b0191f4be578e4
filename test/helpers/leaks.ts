/**
 * Leak detection for client suites: capture every log line and every error a client raises, then
 * assert that no secret (password, API secret, issued token or cookie, full account number) appears.
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { createLogger, type Logger } from '../../src/logging.js';

export interface LeakRecorder {
  logger: Logger;
  lines: string[];
  errors: unknown[];
  /** Runs `promise`, recording the error it rejects with (and rethrowing it). */
  record<T>(promise: Promise<T>): Promise<T>;
  /** Everything recorded, as text: log lines, messages, stacks, JSON and inspect() of every error. */
  text(): string;
  expectNoSecrets(secrets: readonly string[]): void;
}

export function leakRecorder(): LeakRecorder {
  const lines: string[] = [];
  const errors: unknown[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
  const recorder: LeakRecorder = {
    logger,
    lines,
    errors,
    async record(promise) {
      try {
        return await promise;
      } catch (error) {
        errors.push(error);
        throw error;
      }
    },
    text() {
      const errorTexts = errors.flatMap((e) => [
        e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e),
        JSON.stringify(e),
        inspect(e, { depth: 6 }),
      ]);
      return [...lines, ...errorTexts].join('\n');
    },
    expectNoSecrets(secrets) {
      const text = recorder.text();
      for (const secret of secrets) {
        if (secret.length < 6) throw new Error(`refusing to scan for a secret shorter than 6 characters: too many false hits`);
        expect(text.includes(secret), `a secret of length ${secret.length} leaked`).toBe(false);
        // A truncated secret is a leak too: look for its first 16 characters when it is long enough.
        if (secret.length >= 24) expect(text.includes(secret.slice(0, 16)), `a prefix of a secret of length ${secret.length} leaked`).toBe(false);
      }
    },
  };
  return recorder;
}
