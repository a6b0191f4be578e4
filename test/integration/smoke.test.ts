import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

describe('gateway smoke', () => {
  const gw = useTestGateway();

  it('answers accounts from TelePagos and Tupay with their sandbox balances', async () => {
    const { body } = await gw().query('{ accounts { provider balance { amount currency } } }');
    expect(body.errors).toBeUndefined();
    const state = await fetch(`${gw().sandboxes.telepagos.url}/_sandbox/state/summary`).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(body.data.accounts.map((a: { provider: string }) => a.provider)).toEqual(['TELEPAGOS', 'TUPAY']);
    expect(JSON.stringify(state)).toContain(body.data.accounts[0].balance.amount.split('.')[0]);
  });
});
