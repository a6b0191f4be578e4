import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

describe('gateway smoke', () => {
  const gw = useTestGateway();

  it('answers accounts from TelePagos and Tupay with their sandbox balances', async () => {
    const { status, body } = await gw().query('{ accounts { provider balance { amount currency } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const state = await fetch(`${gw().sandboxes.telepagos.url}/_sandbox/state/summary`).then((r) => r.json() as Promise<{ balance_cents: number }>);
    expect(body.data.accounts.map((a: { provider: string }) => a.provider)).toEqual(['TELEPAGOS', 'TUPAY']);
    // TelePagos reports whole pesos (cents truncated); the gateway shows them as an exact decimal.
    expect(body.data.accounts[0].balance).toEqual({ amount: `${Math.trunc(state.balance_cents / 100)}.00`, currency: 'ARS' });
    expect(body.data.accounts[1].balance.currency).toBe('PEN');
    expect(body.data.accounts[1].balance.amount).toMatch(/^\d+\.\d{2}$/);
  });
});
