/**
 * The test-only fourth provider's adapter: a balance, transactions, and cash-ins by id (what its
 * notifications are confirmed with, webhook.ts). It implements the capability interfaces of
 * src/providers/capabilities.ts and touches no gateway file.
 */
import { request } from 'undici';
import type { Balance, CallContext, Cashin, Transaction } from '../../src/domain/models.js';
import { money } from '../../src/domain/money.js';
import type { AdapterFactory } from '../../src/providers/adapter.js';
import type { BalanceSource, CashinSource, DayRange, ProviderAdapter, TransactionSource } from '../../src/providers/capabilities.js';
import { ProviderError } from '../../src/providers/errors.js';
import { dayRangeInstants } from '../../src/providers/day-range.js';
import type { ProviderId } from '../../src/providers/provider.js';
import type { CuartaMovement } from './server.js';

/** Not a built-in ProviderId: added at run time by the test (addProvider). */
export const CUARTA = 'CUARTA' as ProviderId;
/** Cuarta's merchant is in Madrid: its days are UTC+01:00 (January). */
export const CUARTA_UTC_OFFSET = '+01:00';
export const CUARTA_KEY = 'cuarta-test-key';

class CuartaAdapter implements ProviderAdapter {
  readonly id = CUARTA;
  readonly breakerState = 'closed' as const;
  readonly balances: BalanceSource = { provider: CUARTA, homeCurrency: 'USD', balances: (call) => this.balance(call) };
  readonly transactions: TransactionSource = { provider: CUARTA, upstreamFilters: [], transactions: (range, _query, call) => this.movements(range, call) };
  readonly cashins: CashinSource = { provider: CUARTA, isId: (id) => /^m-\d+$/.test(id), cashin: (id, call) => this.cashin(id, call) };

  constructor(private readonly baseUrl: string) {}

  private async get(path: string, _call: CallContext): Promise<any> {
    const answer = await request(`${this.baseUrl}${path}`, { headers: { authorization: `Key ${CUARTA_KEY}` } });
    if (answer.statusCode === 404) throw new ProviderError('Cuarta knows no such movement', { provider: CUARTA, reason: 'NOT_FOUND' });
    if (answer.statusCode !== 200) throw new Error(`cuarta answered ${answer.statusCode}`);
    return answer.body.json();
  }

  private async balance(call: CallContext): Promise<Balance[]> {
    const body = await this.get('/balance', call);
    return [{ total: money(body.cents / 100, body.currency), primary: true }];
  }

  private async movements(range: DayRange, call: CallContext): Promise<Transaction[]> {
    const { from, to } = dayRangeInstants(range, CUARTA_UTC_OFFSET);
    const body = await this.get(`/movements?from=${from.toISOString()}&to=${to.toISOString()}`, call);
    return (body.movements as CuartaMovement[]).map((m) => ({
      provider: CUARTA,
      id: m.ref,
      kind: m.cents >= 0 ? 'DEPOSIT' : 'CASHOUT',
      direction: m.cents >= 0 ? 'IN' : 'OUT',
      amount: money(Math.abs(m.cents) / 100, 'USD'),
      createdAt: m.at,
      status: m.state === 'ok' ? 'COMPLETED' : 'REJECTED',
      providerStatus: m.state,
    }));
  }

  /** A credited movement as a cash-in; a failed or outgoing one is no cash-in. */
  private async cashin(ref: string, call: CallContext): Promise<Cashin> {
    const m = (await this.get(`/movements/${encodeURIComponent(ref)}`, call)) as CuartaMovement;
    if (m.cents < 0 || m.state !== 'ok') throw new ProviderError('The movement is no credited cash-in', { provider: CUARTA, reason: 'NOT_FOUND' });
    return { provider: CUARTA, id: m.ref, amount: money(m.cents / 100, 'USD'), status: 'COMPLETED', providerStatus: m.state };
  }

  async close(): Promise<void> {}
}

/** Cuarta's configuration lives with it: the factory is made with its URL. */
export function cuartaAdapter(baseUrl: string): AdapterFactory {
  return () => new CuartaAdapter(baseUrl);
}
