/**
 * createCashout over HTTP against the TelePagos sandbox: the transfer exists exactly once and the
 * balance moved; every input rule (and every bad scalar) is refused with the right field before a
 * single request reaches any provider.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) {
  createCashout(input: $input) { cashout { id provider } userErrors { field message code } }
}`;

const globalId = (type: string, provider: string, localId: string) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');
const localOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[2]!;

/** Every request any sandbox received since the last clearLogs (token requests included). */
function allUpstream(gw: TestGateway) {
  return [gw.sandboxes.telepagos, gw.sandboxes.talo, gw.sandboxes.tupay].flatMap((s) => s.log.list());
}

async function summary(gw: TestGateway): Promise<{ balance_cents: number; transactions: number; cashouts: number }> {
  return (await call(gw.sandboxes.telepagos.url, 'GET', '_sandbox/state/summary')).body;
}

let seq = 0;
const ref = (label: string) => `wc-${label}-${process.pid}-${++seq}`;

const valid = (overrides: Record<string, unknown> = {}) => ({
  referenceId: ref('ok'),
  alias: 'pasarela.demo',
  cuit: '20123456786',
  amount: '1500.50',
  concept: 'VAR',
  description: 'Pago de prueba',
  ...overrides,
});

describe('createCashout: happy path', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  it('to an alias: one transfer at TelePagos, the balance debited by the amount, the id of that transfer returned', async () => {
    const before = await summary(gw());
    const input = valid();
    const { status, body } = await gw().query(CREATE_CASHOUT, { input });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.createCashout.userErrors).toEqual([]);
    const { id, provider } = body.data.createCashout.cashout;
    expect(provider).toBe('TELEPAGOS');

    const after = await summary(gw());
    expect(after.cashouts).toBe(before.cashouts + 1);
    expect(after.transactions).toBe(before.transactions + 1);
    expect(after.balance_cents).toBe(before.balance_cents - 150050);

    const transfer = gw().sandboxes.telepagos.state.cashoutsByReference.get(input.referenceId);
    expect(transfer).toBeDefined();
    expect(id).toBe(globalId('Cashout', 'TELEPAGOS', String(transfer!.id)));
    expect(transfer!.amountCents).toBe(150050);
    expect(transfer!.destination.alias).toBe('pasarela.demo');

    // Exactly one POST, carrying the client's referenceId as reference_id.
    const posts = gw().sandboxes.telepagos.log.list('POST /v2/payment/cashout');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({ reference_id: input.referenceId, alias: 'pasarela.demo', cuit: '20123456786', amount: 1500.5 });
    expect(posts[0]!.rawBody).toContain('"amount":1500.50'); // the document's decimal, as an exact JSON number
  });

  it('to a CBU (and a formatted CUIT): the transfer goes to that CBU; the cashout can be read back', async () => {
    const before = await summary(gw());
    const input = valid({ alias: undefined, cbu: '2850590940090418135201', cuit: '30-50001091-2', amount: '10' });
    const { body } = await gw().query(CREATE_CASHOUT, { input });
    expect(body.data.createCashout.userErrors).toEqual([]);
    const transfer = gw().sandboxes.telepagos.state.cashoutsByReference.get(input.referenceId)!;
    expect(transfer.destination.cbu).toBe('2850590940090418135201');
    expect(transfer.amountCents).toBe(1000);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents - 1000);
    const sent = gw().sandboxes.telepagos.log.list('POST /v2/payment/cashout')[0]!.body as Record<string, unknown>;
    expect(sent.cuit).toBe('30500010912');

    const read = await gw().query('query($id: ID!) { cashout(id: $id) { id provider } }', { id: body.data.createCashout.cashout.id });
    expect(read.body.data.cashout).toEqual({ id: body.data.createCashout.cashout.id, provider: 'TELEPAGOS' });
  });

  it('an alias in capitals is sent in lower case and is the same transfer', async () => {
    const input = valid({ alias: 'PASARELA.DEMO', amount: '1.00' });
    const { body } = await gw().query(CREATE_CASHOUT, { input });
    expect(body.data.createCashout.userErrors).toEqual([]);
    expect(gw().sandboxes.telepagos.log.list('POST /v2/payment/cashout')[0]!.body).toMatchObject({ alias: 'pasarela.demo' });
  });

  it("a refusal by TelePagos (the CUIT is not the alias holder's) is PROVIDER_REJECTED and moves no money", async () => {
    const before = await summary(gw());
    const { body } = await gw().query(CREATE_CASHOUT, { input: valid({ cuit: '30500010912' }) });
    expect(body.data.createCashout.cashout).toBeNull();
    expect(body.data.createCashout.userErrors).toHaveLength(1);
    expect(body.data.createCashout.userErrors[0]).toMatchObject({ code: 'PROVIDER_REJECTED', field: ['input'] });
    expect(body.data.createCashout.userErrors[0].message).toMatch(/belongs to another holder/);
    const after = await summary(gw());
    expect(after.balance_cents).toBe(before.balance_cents);
    expect(after.cashouts).toBe(before.cashouts);
  });

  it('the definitive refusal is kept: the same input again is answered without calling TelePagos', async () => {
    const input = valid({ cuit: '30500010912' });
    const first = await gw().query(CREATE_CASHOUT, { input });
    gw().clearLogs();
    const second = await gw().query(CREATE_CASHOUT, { input });
    expect(second.body.data.createCashout).toEqual(first.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.count('POST /v2/payment/cashout')).toBe(0);
  });

  it('a cashout id is the TelePagos transfer id (not a reference the client chose)', async () => {
    const input = valid({ amount: '2.00' });
    const { body } = await gw().query(CREATE_CASHOUT, { input });
    const local = localOf(body.data.createCashout.cashout.id);
    expect(gw().sandboxes.telepagos.state.cashouts.get(Number(local))?.referenceId).toBe(input.referenceId);
  });
});

describe('createCashout: input rules refuse before any provider call', () => {
  const gw = useTestGateway({ env: { MAX_OPERATION_AMOUNT: '100000' } });
  beforeEach(() => gw().clearLogs());

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['empty referenceId', { referenceId: '   ' }, ['input', 'referenceId']],
    ['referenceId longer than 64', { referenceId: 'r'.repeat(65) }, ['input', 'referenceId']],
    ['referenceId with a space', { referenceId: 'ref 1' }, ['input', 'referenceId']],
    ['referenceId with a slash', { referenceId: 'ref/1' }, ['input', 'referenceId']],
    ['neither cbu nor alias', { alias: undefined }, ['input']],
    ['both cbu and alias', { cbu: '0000071000000000999993' }, ['input', 'alias']],
    ['amount zero', { amount: '0' }, ['input', 'amount']],
    ['amount negative', { amount: '-10.00' }, ['input', 'amount']],
    ['amount with three decimals', { amount: '10.001' }, ['input', 'amount']],
    ['amount above MAX_OPERATION_AMOUNT', { amount: '100000.01' }, ['input', 'amount']],
    ['empty concept', { concept: '' }, ['input', 'concept']],
    ['concept longer than 20', { concept: 'C'.repeat(21) }, ['input', 'concept']],
    ['empty description', { description: ' \t ' }, ['input', 'description']],
    ['description longer than 140', { description: 'd'.repeat(141) }, ['input', 'description']],
    ['description with a control character', { description: 'line\nbreak' }, ['input', 'description']],
  ];

  it.each(cases)('%s → INVALID_INPUT at its field, nothing sent, no money moved', async (_name, overrides, field) => {
    const before = await summary(gw());
    gw().clearLogs();
    const { status, body } = await gw().query(CREATE_CASHOUT, { input: valid(overrides) });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.createCashout.cashout).toBeNull();
    expect(body.data.createCashout.userErrors).toHaveLength(1);
    expect(body.data.createCashout.userErrors[0]).toMatchObject({ field, code: 'INVALID_INPUT' });
    expect(allUpstream(gw())).toEqual([]);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents);
  });

  it('the amount limit itself is allowed (the rule is "at most")', async () => {
    // The account holds well over 100000 in the seeded data.
    const { body } = await gw().query(CREATE_CASHOUT, { input: valid({ amount: '100000.00' }) });
    expect(body.data.createCashout.userErrors).toEqual([]);
    expect(body.data.createCashout.cashout).not.toBeNull();
  });

  it('an amount with trailing zeros beyond two decimals is the same amount (10.500 = 10.50)', async () => {
    const { body } = await gw().query(CREATE_CASHOUT, { input: valid({ amount: '10.500' }) });
    expect(body.data.createCashout.userErrors).toEqual([]);
    expect(gw().sandboxes.telepagos.log.list('POST /v2/payment/cashout')[0]!.rawBody).toContain('"amount":10.50');
  });

  it('several broken rules are all reported at once', async () => {
    const { body } = await gw().query(CREATE_CASHOUT, { input: valid({ referenceId: '', amount: '0', concept: '' }) });
    const fields = body.data.createCashout.userErrors.map((e: { field: string[] }) => e.field.join('.'));
    expect(fields.sort()).toEqual(['input.amount', 'input.concept', 'input.referenceId']);
    expect(allUpstream(gw())).toEqual([]);
  });

  it('a refused input does not burn its referenceId: corrected, it goes through', async () => {
    const referenceId = ref('fix');
    const refused = await gw().query(CREATE_CASHOUT, { input: valid({ referenceId, amount: '0' }) });
    expect(refused.body.data.createCashout.userErrors[0].code).toBe('INVALID_INPUT');
    const fixed = await gw().query(CREATE_CASHOUT, { input: valid({ referenceId, amount: '3.00' }) });
    expect(fixed.body.data.createCashout.userErrors).toEqual([]);
    expect(gw().sandboxes.telepagos.state.cashoutsByReference.get(referenceId)?.amountCents).toBe(300);
  });

  const scalarCases: [string, Record<string, unknown>, string[]][] = [
    ['a CUIT with a wrong check digit', { cuit: '20123456787' }, ['input', 'cuit']],
    ['a CUIT with letters', { cuit: '20-1234567A-6' }, ['input', 'cuit']],
    ['a CBU with a wrong check digit', { alias: undefined, cbu: '2850590940090418135202' }, ['input', 'cbu']],
    ['a CBU of 21 digits', { alias: undefined, cbu: '285059094009041813520' }, ['input', 'cbu']],
    ['an alias too short', { alias: 'abc' }, ['input', 'alias']],
    ['an alias with a space', { alias: 'pasarela demo' }, ['input', 'alias']],
    ['an amount that is not a decimal', { amount: '1e3' }, ['input', 'amount']],
    ['an amount with a comma', { amount: '1,50' }, ['input', 'amount']],
  ];

  it.each(scalarCases)('%s in variables → BAD_USER_INPUT with extensions.field, nothing sent', async (_name, overrides, field) => {
    const { status, body } = await gw().query(CREATE_CASHOUT, { input: valid(overrides) }, { accept: 'application/graphql-response+json' });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(allUpstream(gw())).toEqual([]);
  });

  it('a bad CBU in the query text (a literal) fails validation: GRAPHQL_VALIDATION_FAILED, nothing sent', async () => {
    const { body } = await gw().query(
      `mutation { createCashout(input: { referenceId: "lit-1", cbu: "123", cuit: "20123456786", amount: "1", concept: "VAR", description: "x" }) { userErrors { field } } }`,
    );
    expect(body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors![0]!.message).toMatch(/cbu/i);
    expect(allUpstream(gw())).toEqual([]);
  });
});
