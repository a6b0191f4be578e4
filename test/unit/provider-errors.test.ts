import { describe, expect, it } from 'vitest';
import { codeForReason, providerRejection, safeProviderMessage } from '../../src/providers/errors.js';

describe('provider error taxonomy', () => {
  it('maps reasons onto the contract codes', () => {
    expect(codeForReason('REJECTED')).toBe('PROVIDER_ERROR');
    expect(codeForReason('NOT_FOUND')).toBe('PROVIDER_ERROR');
    expect(codeForReason('UNAUTHENTICATED')).toBe('PROVIDER_ERROR');
    expect(codeForReason('TIMEOUT')).toBe('PROVIDER_UNAVAILABLE');
    expect(codeForReason('CIRCUIT_OPEN')).toBe('PROVIDER_UNAVAILABLE');
    expect(codeForReason('NOT_CONFIGURED')).toBe('PROVIDER_NOT_CONFIGURED');
  });

  it('turns HTTP statuses and 200-with-error into reasons', () => {
    expect(providerRejection('TELEPAGOS', 'POST v2/payment/cashout', 422, 'Insufficient funds').reason).toBe('INVALID_INPUT');
    expect(providerRejection('TELEPAGOS', 'POST v2/payment/cashout', 409, 'dup').reason).toBe('CONFLICT');
    expect(providerRejection('TELEPAGOS', 'GET v2/payment/cashin/{id}', 404, 'no').reason).toBe('NOT_FOUND');
    expect(providerRejection('TELEPAGOS', 'GET v2/account/balance', 200, 'Something').reason).toBe('REJECTED');
  });

  it('makes provider messages safe: masked account numbers, no credentials, one bounded line', () => {
    expect(safeProviderMessage('The CVU 0000630500000060195375 belongs to another holder')).toBe(
      'The CVU ******************5375 belongs to another holder',
    );
    expect(safeProviderMessage('bad token: eyJhbGciOi.abc.def')).toBe('bad token [redacted]');
    expect(safeProviderMessage('line one\n  line two')).toBe('line one line two');
    expect(safeProviderMessage('x'.repeat(500))?.length).toBe(200);
    expect(safeProviderMessage(42)).toBeUndefined();
  });
});
