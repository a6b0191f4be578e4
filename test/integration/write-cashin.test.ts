/**
 * The TelePagos cash-in mutations (QR charge, transfer link, payment link) and the sale-point
 * mutations over HTTP, checked against the sandbox's state; their input rules refuse with the right
 * field before any provider request.
 */
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { TELEPAGOS_STRICT_RULES } from '../../src/providers/telepagos/assumptions.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrCode qrOrderId userErrors { field message code } } }`;
const TRANSFER_LINK = `mutation($input: CreateTransferLinkInput!) { createTransferLink(input: $input) { paymentLink userErrors { field message code } } }`;
const PAYMENT_LINK = `mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { paymentLink { id url } userErrors { field message code } } }`;
const CREATE_SALE_POINT = `mutation($input: CreateSalePointInput!) { createSalePoint(input: $input) { salePoint { id name status } userErrors { field message code } } }`;
const DELETE_SALE_POINT = `mutation($input: DeleteSalePointInput!) { deleteSalePoint(input: $input) { deletedSalePointId userErrors { field message code } } }`;
const QR_ORDER = `mutation($input: CreateSalePointQrOrderInput!) { createSalePointQrOrder(input: $input) { qrOrderId userErrors { field message code } } }`;

const globalId = (type: string, provider: string, localId: string) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');
const localOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[2]!;
const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600_000).toISOString();

function upstream(gw: TestGateway) {
  return [gw.sandboxes.telepagos, gw.sandboxes.talo, gw.sandboxes.tupay].flatMap((s) => s.log.list());
}

async function summary(gw: TestGateway): Promise<Record<string, number>> {
  return (await call(gw.sandboxes.telepagos.url, 'GET', '_sandbox/state/summary')).body;
}

/** Runs a mutation expected to be refused by an input rule: one INVALID_INPUT at `field`, no request upstream. */
async function expectRefused(gw: TestGateway, query: string, input: Record<string, unknown>, name: string, field: string[]) {
  gw.clearLogs();
  const { status, body } = await gw.query(query, { input });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  const payload = body.data[name];
  expect(payload.userErrors).toEqual([expect.objectContaining({ field, code: 'INVALID_INPUT' })]);
  for (const [key, value] of Object.entries(payload)) if (key !== 'userErrors') expect(value).toBeNull();
  expect(upstream(gw)).toEqual([]);
}

describe('cash-in mutations', () => {
  const gw = useTestGateway({ env: { MAX_OPERATION_AMOUNT: '100000' } });
  beforeEach(() => gw().clearLogs());

  it('createQrCharge: the QR order exists at TelePagos with the amount; paying it is a cash-in of that amount', async () => {
    const before = await summary(gw());
    const { body } = await gw().query(QR_CHARGE, { input: { amount: '1234.50', concept: 'VAR', description: 'Mesa 4' } });
    expect(body.data.createQrCharge.userErrors).toEqual([]);
    const { qrCode, qrOrderId } = body.data.createQrCharge;
    const order = gw().sandboxes.telepagos.state.qrOrders.get(Number(qrOrderId));
    expect(order).toMatchObject({ amountCents: 123450, concept: 'VAR', description: 'Mesa 4', salePointId: null });
    expect(qrCode).toBe(order!.qrCode);
    expect((await summary(gw())).qr_orders).toBe(before.qr_orders! + 1);
  });

  it('createTransferLink: the link exists at TelePagos for that payer and amount', async () => {
    const before = await summary(gw());
    const input = { cbu: '0000071000000000999993', cuit: '20-12345678-6', amount: '300', concept: 'CUO', description: 'Cuota 3' };
    const { body } = await gw().query(TRANSFER_LINK, { input });
    expect(body.data.createTransferLink.userErrors).toEqual([]);
    const links = gw().sandboxes.telepagos.state.transferLinks;
    expect(links).toHaveLength(before.transfer_links! + 1);
    const link = links.at(-1)!;
    expect(body.data.createTransferLink.paymentLink).toBe(link.url);
    expect(link).toMatchObject({ payer: { cvu: '0000071000000000999993', cuit: '20123456786' }, amountCents: 30000, concept: 'CUO' });
  });

  it("createTransferLink with a CUIT that is not the payer's (sandbox strict rule on): PROVIDER_REJECTED, no link", async () => {
    gw().sandboxes.telepagos.strict.add(TELEPAGOS_STRICT_RULES.cvuHolder);
    onTestFinished(() => void gw().sandboxes.telepagos.strict.delete(TELEPAGOS_STRICT_RULES.cvuHolder));
    const before = await summary(gw());
    const input = { cbu: '0000071000000000999993', cuit: '30500010912', amount: '300', concept: 'CUO', description: 'Cuota 3' };
    const { body } = await gw().query(TRANSFER_LINK, { input });
    expect(body.data.createTransferLink.paymentLink).toBeNull();
    expect(body.data.createTransferLink.userErrors[0].code).toBe('PROVIDER_REJECTED');
    expect((await summary(gw())).transfer_links).toBe(before.transfer_links);
  });

  it('createPaymentLink with a distribution: the link exists with its parts; paying it is a cash-in', async () => {
    const input = {
      amount: '1000.00',
      concept: 'VAR',
      expiresAt: inDays(2),
      multipleUse: false,
      distribution: [
        { cbu: '0000071000000000999993', amount: '600.00' },
        { cbu: '0000630500000060195375', amount: '400' },
      ],
    };
    const { body } = await gw().query(PAYMENT_LINK, { input });
    expect(body.data.createPaymentLink.userErrors).toEqual([]);
    const { id, url } = body.data.createPaymentLink.paymentLink;
    const link = gw().sandboxes.telepagos.state.paymentLinks.get(Number(id));
    expect(link).toMatchObject({ url, amountCents: 100000, multipleUse: false });
    expect(link!.distribution).toEqual([
      { cvu: '0000071000000000999993', amountCents: 60000 },
      { cvu: '0000630500000060195375', amountCents: 40000 },
    ]);
    expect(Math.abs(link!.expiresAtMs - Date.parse(input.expiresAt))).toBeLessThan(60_000);

    const before = await summary(gw());
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/payment-links/${id}/pay`, { body: {} });
    expect(paid.status).toBe(201);
    expect((await summary(gw())).cashins).toBe(before.cashins! + 1);
  });

  it('createPaymentLink without a distribution', async () => {
    const { body } = await gw().query(PAYMENT_LINK, { input: { amount: '50', concept: 'VAR', expiresAt: inDays(1), multipleUse: true } });
    expect(body.data.createPaymentLink.userErrors).toEqual([]);
    const link = gw().sandboxes.telepagos.state.paymentLinks.get(Number(body.data.createPaymentLink.paymentLink.id));
    expect(link).toMatchObject({ amountCents: 5000, multipleUse: true, distribution: null });
  });

  const amountRules: [string, string][] = [
    ['zero', '0'],
    ['negative', '-1'],
    ['three decimals', '1.001'],
    ['above MAX_OPERATION_AMOUNT', '100000.01'],
  ];

  it.each(amountRules)('createQrCharge amount %s → refused at input.amount, nothing sent', async (_name, amount) => {
    await expectRefused(gw(), QR_CHARGE, { amount, concept: 'VAR', description: 'x' }, 'createQrCharge', ['input', 'amount']);
  });

  it.each([
    ['empty concept', { concept: ' ' }, ['input', 'concept']],
    ['long concept', { concept: 'X'.repeat(21) }, ['input', 'concept']],
    ['empty description', { description: '' }, ['input', 'description']],
    ['long description', { description: 'x'.repeat(141) }, ['input', 'description']],
  ])('createQrCharge %s → refused at its field, nothing sent', async (_name, overrides, field) => {
    await expectRefused(gw(), QR_CHARGE, { amount: '10', concept: 'VAR', description: 'x', ...overrides }, 'createQrCharge', field);
  });

  it.each(amountRules)('createTransferLink amount %s → refused at input.amount, nothing sent', async (_name, amount) => {
    const input = { cbu: '0000071000000000999993', cuit: '20123456786', amount, concept: 'VAR', description: 'x' };
    await expectRefused(gw(), TRANSFER_LINK, input, 'createTransferLink', ['input', 'amount']);
  });

  it.each([
    ['empty concept', { concept: '' }, ['input', 'concept']],
    ['description with a control character', { description: 'a\u0007b' }, ['input', 'description']],
  ])('createTransferLink %s → refused at its field, nothing sent', async (_name, overrides, field) => {
    const input = { cbu: '0000071000000000999993', cuit: '20123456786', amount: '5', concept: 'VAR', description: 'x', ...overrides };
    await expectRefused(gw(), TRANSFER_LINK, input, 'createTransferLink', field);
  });

  const link = (overrides: Record<string, unknown> = {}) => ({ amount: '100.00', concept: 'VAR', expiresAt: inDays(1), multipleUse: false, ...overrides });

  it.each([
    ['amount zero', { amount: '0' }, ['input', 'amount']],
    ['amount above the limit', { amount: '100000.01' }, ['input', 'amount']],
    ['empty concept', { concept: '' }, ['input', 'concept']],
    ['expiry in the past', { expiresAt: new Date(Date.now() - 60_000).toISOString() }, ['input', 'expiresAt']],
    ['expiry now-ish (one second ago)', { expiresAt: new Date(Date.now() - 1000).toISOString() }, ['input', 'expiresAt']],
    [
      'parts that add up to less',
      {
        distribution: [
          { cbu: '0000071000000000999993', amount: '60' },
          { cbu: '0000630500000060195375', amount: '39.99' },
        ],
      },
      ['input', 'distribution'],
    ],
    [
      'parts that add up to more',
      {
        distribution: [
          { cbu: '0000071000000000999993', amount: '60' },
          { cbu: '0000630500000060195375', amount: '40.01' },
        ],
      },
      ['input', 'distribution'],
    ],
    ['an empty distribution', { distribution: [] }, ['input', 'distribution']],
    [
      'more than 20 parts',
      { amount: '21', distribution: Array.from({ length: 21 }, () => ({ cbu: '0000071000000000999993', amount: '1' })) },
      ['input', 'distribution'],
    ],
  ])('createPaymentLink %s → refused at its field, nothing sent', async (_name, overrides, field) => {
    await expectRefused(gw(), PAYMENT_LINK, link(overrides), 'createPaymentLink', field);
  });

  it('createPaymentLink: a part of zero is refused at that part even when the parts add up', async () => {
    const distribution = [
      { cbu: '0000071000000000999993', amount: '100' },
      { cbu: '0000630500000060195375', amount: '0' },
    ];
    await expectRefused(gw(), PAYMENT_LINK, link({ distribution }), 'createPaymentLink', ['input', 'distribution', '1', 'amount']);
  });

  it('createPaymentLink: a negative part is refused even when the parts add up', async () => {
    const distribution = [
      { cbu: '0000071000000000999993', amount: '150' },
      { cbu: '0000630500000060195375', amount: '-50' },
    ];
    await expectRefused(gw(), PAYMENT_LINK, link({ distribution }), 'createPaymentLink', ['input', 'distribution', '1', 'amount']);
  });

  it('createPaymentLink: a bad CBU in a part (variables) → BAD_USER_INPUT at that part, nothing sent', async () => {
    const { status, body } = await gw().query(
      PAYMENT_LINK,
      { input: link({ distribution: [{ cbu: '0000071000000000999994', amount: '100' }] }) },
      { accept: 'application/graphql-response+json' },
    );
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    // graphql-js names the item "distribution[0]"; the path is spelled the way userErrors spell it.
    expect(body.errors![0]!.extensions!.field).toEqual(['input', 'distribution', '0', 'cbu']);
    expect(upstream(gw())).toEqual([]);
  });

  it('createPaymentLink: an expiry that is not a date-time → BAD_USER_INPUT, nothing sent', async () => {
    const { status, body } = await gw().query(PAYMENT_LINK, { input: link({ expiresAt: 'tomorrow' }) }, { accept: 'application/graphql-response+json' });
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'expiresAt'] });
    expect(upstream(gw())).toEqual([]);
  });

  it('createTransferLink: a bad CUIT or CBU (variables) → BAD_USER_INPUT with its field, nothing sent', async () => {
    for (const [bad, field] of [
      [{ cuit: '20123456780' }, ['input', 'cuit']],
      [{ cbu: '000007100000000099999' }, ['input', 'cbu']],
    ] as const) {
      const input: Record<string, unknown> = { cbu: '0000071000000000999993', cuit: '20123456786', amount: '5', concept: 'VAR', description: 'x' };
      Object.assign(input, bad);
      const { status, body } = await gw().query(TRANSFER_LINK, { input }, { accept: 'application/graphql-response+json' });
      expect(status).toBe(400);
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(upstream(gw())).toEqual([]);
  });
});

describe('sale points', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  const listed = async () => (await gw().query('{ salePoints { id name status } }')).body.data.salePoints as { id: string; name: string; status: string }[];

  it('createSalePoint: it exists at TelePagos, salePoints lists it; deleteSalePoint removes it from both', async () => {
    const before = await summary(gw());
    const created = await gw().query(CREATE_SALE_POINT, { input: { name: '  Kiosco Norte  ' } });
    expect(created.body.data.createSalePoint.userErrors).toEqual([]);
    const salePoint = created.body.data.createSalePoint.salePoint;
    expect(salePoint).toMatchObject({ name: 'Kiosco Norte', status: 'active' });
    const local = Number(localOf(salePoint.id));
    expect(salePoint.id).toBe(globalId('SalePoint', 'TELEPAGOS', String(local)));
    expect(gw().sandboxes.telepagos.state.salePoints.get(local)).toMatchObject({ name: 'Kiosco Norte' });
    expect((await summary(gw())).sale_points).toBe(before.sale_points! + 1);
    expect(await listed()).toContainEqual(salePoint);

    const deleted = await gw().query(DELETE_SALE_POINT, { input: { id: salePoint.id } });
    expect(deleted.body.data.deleteSalePoint).toEqual({ deletedSalePointId: salePoint.id, userErrors: [] });
    expect(gw().sandboxes.telepagos.state.salePoints.has(local)).toBe(false);
    expect((await listed()).map((s) => s.id)).not.toContain(salePoint.id);
  });

  it('deleteSalePoint by TelePagos id works too', async () => {
    const created = await gw().query(CREATE_SALE_POINT, { input: { name: 'Caja Sur' } });
    const local = localOf(created.body.data.createSalePoint.salePoint.id);
    const deleted = await gw().query(DELETE_SALE_POINT, { input: { id: local } });
    expect(deleted.body.data.deleteSalePoint.userErrors).toEqual([]);
    expect(gw().sandboxes.telepagos.state.salePoints.has(Number(local))).toBe(false);
  });

  it('deleteSalePoint of an unknown id → NOT_FOUND userError; nothing else deleted', async () => {
    const before = await summary(gw());
    const { body } = await gw().query(DELETE_SALE_POINT, { input: { id: globalId('SalePoint', 'TELEPAGOS', '999') } });
    expect(body.errors).toBeUndefined();
    expect(body.data.deleteSalePoint.deletedSalePointId).toBeNull();
    expect(body.data.deleteSalePoint.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    expect((await summary(gw())).sale_points).toBe(before.sale_points);
  });

  it.each([
    ['a global id of another type', globalId('Cashout', 'TELEPAGOS', '1')],
    ['a global id of another provider', globalId('SalePoint', 'TUPAY', '1')],
    ['not a number', 'abc'],
    ['a negative number', '-1'],
    ['empty', ' '],
  ])('deleteSalePoint with %s → INVALID_INPUT at input.id, nothing sent', async (_name, id) => {
    await expectRefused(gw(), DELETE_SALE_POINT, { id }, 'deleteSalePoint', ['input', 'id']);
  });

  it.each([
    ['an empty name', ''],
    ['a blank name', '   '],
    ['a name longer than 60', 'n'.repeat(61)],
  ])('createSalePoint with %s → INVALID_INPUT at input.name, nothing sent', async (_name, name) => {
    await expectRefused(gw(), CREATE_SALE_POINT, { name }, 'createSalePoint', ['input', 'name']);
  });

  it('createSalePoint with a taken name: PROVIDER_REJECTED, no second sale point', async () => {
    const before = await summary(gw());
    const { body } = await gw().query(CREATE_SALE_POINT, { input: { name: 'Sucursal Centro' } });
    expect(body.data.createSalePoint.salePoint).toBeNull();
    expect(body.data.createSalePoint.userErrors[0].code).toBe('PROVIDER_REJECTED');
    expect((await summary(gw())).sale_points).toBe(before.sale_points);
  });

  it('createSalePointQrOrder, then the payer pays it through TelePagos: a cash-in of that amount at that sale point', async () => {
    const created = await gw().query(CREATE_SALE_POINT, { input: { name: 'Barra Cafe' } });
    const salePointId = created.body.data.createSalePoint.salePoint.id;
    const { body } = await gw().query(QR_ORDER, { input: { salePointId, amount: '450.00', concept: 'VAR', description: 'Cafe' } });
    expect(body.data.createSalePointQrOrder.userErrors).toEqual([]);
    const orderId = body.data.createSalePointQrOrder.qrOrderId;
    const order = gw().sandboxes.telepagos.state.qrOrders.get(Number(orderId));
    expect(order).toMatchObject({ amountCents: 45000, salePointId: Number(localOf(salePointId)), cashInId: null });

    const before = await summary(gw());
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${orderId}/pay`, {
      body: { buyer: { cuit: '20123456786', cvu: '0000071000000000999993' } },
    });
    expect(paid.status).toBe(201);
    const after = await summary(gw());
    expect(after.cashins).toBe(before.cashins! + 1);
    expect(after.balance_cents).toBe(before.balance_cents! + 45000);

    const cashin = await gw().query('query($id: ID!) { cashin(id: $id) { amount { amount currency } description buyer { cuit } } }', {
      id: String(paid.body.cashin_id),
    });
    expect(cashin.body.data.cashin).toEqual({ amount: { amount: '450.00', currency: 'ARS' }, description: 'Cafe', buyer: { cuit: '20123456786' } });
  });

  it('createSalePointQrOrder at an inactive sale point: PROVIDER_REJECTED, no order', async () => {
    const before = await summary(gw());
    const { body } = await gw().query(QR_ORDER, { input: { salePointId: '3', amount: '10', concept: 'VAR', description: 'x' } });
    expect(body.data.createSalePointQrOrder.qrOrderId).toBeNull();
    expect(body.data.createSalePointQrOrder.userErrors[0].code).toMatch(/PROVIDER_REJECTED|NOT_FOUND/);
    expect((await summary(gw())).qr_orders).toBe(before.qr_orders);
  });

  it.each([
    ['a bad sale point id', { salePointId: 'x' }, ['input', 'salePointId']],
    ['amount zero', { amount: '0' }, ['input', 'amount']],
    ['amount with three decimals', { amount: '1.234' }, ['input', 'amount']],
    ['empty concept', { concept: '' }, ['input', 'concept']],
    ['long description', { description: 'd'.repeat(141) }, ['input', 'description']],
  ])('createSalePointQrOrder with %s → refused at its field, nothing sent', async (_name, overrides, field) => {
    await expectRefused(gw(), QR_ORDER, { salePointId: '1', amount: '10', concept: 'VAR', description: 'x', ...overrides }, 'createSalePointQrOrder', field);
  });
});
