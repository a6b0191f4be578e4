import { describe, expect, it } from 'vitest';
import {
  codeForReason,
  FINAL_REFUSAL_REASONS,
  failureOutcome,
  ProviderError,
  providerRejection,
  safeProviderMessage,
  type ProviderErrorReason,
} from '../../src/providers/errors.js';

describe('provider error taxonomy', () => {
  it('maps reasons onto the contract codes', () => {
    expect(codeForReason('REJECTED')).toBe('PROVIDER_ERROR');
    expect(codeForReason('NOT_FOUND')).toBe('PROVIDER_ERROR');
    expect(codeForReason('UNAUTHENTICATED')).toBe('PROVIDER_ERROR');
    expect(codeForReason('TIMEOUT')).toBe('PROVIDER_UNAVAILABLE');
    expect(codeForReason('CIRCUIT_OPEN')).toBe('PROVIDER_UNAVAILABLE');
    expect(codeForReason('STATE_UNAVAILABLE')).toBe('PROVIDER_UNAVAILABLE');
    expect(codeForReason('NOT_CONFIGURED')).toBe('PROVIDER_NOT_CONFIGURED');
  });

  it('turns HTTP statuses and 200-with-error into reasons', () => {
    expect(providerRejection('TELEPAGOS', 'POST v2/payment/cashout', 422, 'Insufficient funds').reason).toBe('INVALID_INPUT');
    expect(providerRejection('TELEPAGOS', 'POST v2/payment/cashout', 409, 'dup').reason).toBe('CONFLICT');
    expect(providerRejection('TELEPAGOS', 'GET v2/payment/cashin/{id}', 404, 'no').reason).toBe('NOT_FOUND');
    expect(providerRejection('TELEPAGOS', 'GET v2/account/balance', 200, 'Something').reason).toBe('REJECTED');
  });

  it('makes provider messages safe: masked account numbers, no credentials, one bounded line', () => {
    expect(safeProviderMessage('The CVU 0000630500000060195375 belongs to another holder')).toBe('The CVU ******************5375 belongs to another holder');
    expect(safeProviderMessage('bad token: eyJhbGciOi.abc.def')).toBe('bad token [redacted]');
    expect(safeProviderMessage('line one\n  line two')).toBe('line one line two');
    expect(safeProviderMessage('x'.repeat(500))?.length).toBe(200);
    expect(safeProviderMessage(42)).toBeUndefined();
  });
});

describe('provider errors in logs', () => {
  it('log with their message and safe fields, through the err/error serializers', async () => {
    const { createLogger } = await import('../../src/logging.js');
    const { ProviderError } = await import('../../src/providers/errors.js');
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    const error = new ProviderError('TALO refused GET payments/{id}: nope', { provider: 'TALO', reason: 'NOT_FOUND', httpStatus: 404 });
    log.warn({ error }, 'failed');
    log.warn({ err: error }, 'failed');
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, { message?: string; reason?: string }>;
      const logged = parsed.error ?? parsed.err;
      expect(logged?.message).toBe('TALO refused GET payments/{id}: nope');
      expect(logged?.reason).toBe('NOT_FOUND');
    }
  });

  it('redact a bare JWT echoed in a provider message', () => {
    expect(safeProviderMessage('invalid eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here')).toBe('invalid [redacted] here');
  });
});

describe('failureOutcome (issue 27)', () => {
  const error = (reason: ProviderErrorReason) => new ProviderError('x', { provider: 'TELEPAGOS', reason });

  it('nothing sent: an open circuit, an unconfigured provider, a credential not renewable without shared state', () => {
    expect(failureOutcome(error('CIRCUIT_OPEN'))).toBe('not_sent');
    expect(failureOutcome(error('NOT_CONFIGURED'))).toBe('not_sent');
    expect(failureOutcome(error('STATE_UNAVAILABLE'))).toBe('not_sent');
  });

  it('refused: each final kind, answering a call none of whose answers was lost', () => {
    for (const reason of FINAL_REFUSAL_REASONS) expect(failureOutcome(error(reason))).toBe('refused');
  });

  it('unknown: timeouts, 5xx, dropped connections, unreadable answers, anything not a ProviderError — and any refusal after a lost answer', () => {
    for (const reason of ['TIMEOUT', 'SERVER_ERROR', 'NETWORK', 'BAD_RESPONSE', 'CANCELLED'] as const) expect(failureOutcome(error(reason))).toBe('unknown');
    expect(failureOutcome(new Error('bug'))).toBe('unknown');
    const replayRefused = error('CONFLICT');
    replayRefused.afterLostAnswer = true;
    expect(failureOutcome(replayRefused)).toBe('unknown');
  });
});
