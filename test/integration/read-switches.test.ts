/**
 * The provider wire settings end to end (docs/providers.md, "Wire settings"): three gateways over the
 * same seeded sandboxes — the guesses against sandboxes playing them, the guesses against sandboxes
 * playing the other answers, and the other settings against those — asked the same GraphQL questions.
 * The first and the last answer alike; the middle one is wrong in the way each guess says.
 */
import { describe, expect, it } from 'vitest';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

const OTHER_ANSWERS = {
  telepagos: { wire: { transactionsOrder: 'oldest-first', balanceUnit: 'cents' } },
  tupay: { wire: { rangeUnit: 'milliseconds', rangeEnd: 'exclusive' } },
};
const OTHER_SETTINGS = {
  TELEPAGOS_TRANSACTIONS_ORDER: 'oldest-first',
  TELEPAGOS_BALANCE_UNIT: 'cents',
  TUPAY_RANGE_UNIT: 'milliseconds',
  TUPAY_RANGE_END: 'exclusive',
};

const guesses = useTestGateway({ providers: ['telepagos', 'tupay'] });
const mismatched = useTestGateway({ providers: ['telepagos', 'tupay'], sandboxes: OTHER_ANSWERS });
const switched = useTestGateway({ providers: ['telepagos', 'tupay'], sandboxes: OTHER_ANSWERS, env: OTHER_SETTINGS });

const NODE = 'id provider createdAt amount { amount currency }';
const FIRST_PAGE = `
  query($provider: Provider!, $from: LocalDate!, $to: LocalDate!) {
    account(provider: $provider) { transactions(from: $from, to: $to, first: 10) { totalCount nodes { ${NODE} } } }
  }
`;
const ACTIVITY = `
  query($from: LocalDate!, $to: LocalDate!) {
    activity(from: $from, to: $to, first: 15) { partial nodes { ${NODE} } }
  }
`;
const BALANCE = `
  query { account(provider: TELEPAGOS) { balance { amount currency } } }
`;
const range = { from: '2025-12-20', to: '2026-01-15' };

async function data<T = any>(gateway: TestGateway, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { body } = await gateway.query(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data as T;
}

describe('TELEPAGOS_TRANSACTIONS_ORDER', () => {
  it('a first page and the activity feed show the newest rows when the setting matches the listing, the oldest when not', async () => {
    const variables = { provider: 'TELEPAGOS', ...range };
    const expected = await data(guesses(), FIRST_PAGE, variables);
    expect(expected.account.transactions.nodes).toHaveLength(10);
    expect(await data(switched(), FIRST_PAGE, variables)).toEqual(expected);
    const wrong = await data(mismatched(), FIRST_PAGE, variables);
    const newest = Date.parse(expected.account.transactions.nodes.at(-1).createdAt);
    expect(wrong.account.transactions.nodes.every((n: { createdAt: string }) => Date.parse(n.createdAt) < newest)).toBe(true);

    const feed = await data(guesses(), ACTIVITY, range);
    expect(feed.activity.nodes).toHaveLength(15);
    expect(await data(switched(), ACTIVITY, range)).toEqual(feed);
  });
});

describe('TELEPAGOS_BALANCE_UNIT', () => {
  it('the balance in pesos whatever unit the provider answers in, once the setting says which', async () => {
    const expected = await data(guesses(), BALANCE);
    const pesos = expected.account.balance.amount as string;
    expect(pesos).toMatch(/^\d+\.00$/);
    const exact = (await data(switched(), BALANCE)).account.balance.amount as string;
    // The same balance, now with the cents a whole-pesos integer truncates.
    expect(exact.split('.')[0]).toBe(pesos.split('.')[0]);
    const wrong = (await data(mismatched(), BALANCE)).account.balance.amount as string;
    expect(Number(wrong)).toBeGreaterThan(Number(pesos) * 99);
  });
});

describe('TUPAY_RANGE_UNIT and TUPAY_RANGE_END', () => {
  it('the same Tupay rows when the settings match the provider, none when the unit does not', async () => {
    const variables = { provider: 'TUPAY', ...range };
    const expected = await data(guesses(), FIRST_PAGE, variables);
    expect(expected.account.transactions.totalCount).toBeGreaterThan(10);
    expect(await data(switched(), FIRST_PAGE, variables)).toEqual(expected);
    const wrong = await data(mismatched(), FIRST_PAGE, variables);
    expect(wrong.account.transactions).toEqual({ totalCount: 0, nodes: [] });
  });
});
