import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { Secret } from '../../src/secret.js';
import { createLogger } from '../../src/logging.js';

describe('Secret', () => {
  it('reveals its value only when asked', () => {
    const secret = new Secret('hunter2');
    expect(secret.reveal()).toBe('hunter2');
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ secret })).not.toContain('hunter2');
  });

  it('never reaches a log line, even logged by mistake', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    log.info({ config: { password: new Secret('hunter2'), nested: { anything: new Secret('hunter2') } } }, 'config');
    expect(lines.join('')).not.toContain('hunter2');
  });
});
