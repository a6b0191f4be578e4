import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import {
  DISTRIBUTION_RULES,
  EMVCO_CRC_TAG,
  EMVCO_QR_PREFIX,
  TELEPAGOS_STRICT_RULES,
  TELEPAGOS_TEXT_LIMITS,
} from '../../src/providers/telepagos/assumptions.js';
import { EXTERNAL_CVU, FIXTURE_ACCOUNTS } from '../../src/sandbox/telepagos/index.js';
import { TODAY, api, errorMessage, issueToken, startTestSandbox, summaryOf, type Api } from './telepagos-helpers.js';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;
let sandbox: Sandbox;
let client: Api;
const { demo, person } = FIXTURE_ACCOUNTS;
const SALE_POINT = '/v2/payment/cashin/qr/sale-point';

/** CRC-16/CCITT-FALSE, written here independently of the sandbox's: the test's own oracle. */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text)) {
    for (let bit = 7; bit >= 0; bit--) {
      const top = ((crc >> 15) & 1) ^ ((byte >> bit) & 1);
      crc = ((crc << 1) & 0xffff) ^ (top ? 0x1021 : 0);
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

function expectEmvco(qr: string): void {
  expect(qr.startsWith(EMVCO_QR_PREFIX)).toBe(true);
  expect(qr.slice(-8, -4)).toBe(EMVCO_CRC_TAG);
  expect(qr.slice(-4)).toBe(crc16(qr.slice(0, -4)));
}

async function todays(operation: string) {
  return (await client.get('/v2/account/transactions', { date_from: TODAY, date_to: TODAY, operation })).body.transactions as Record<string, unknown>[];
}

const futureDate = '2025-07-01 18:30:00';
function linkRequest(overrides: Record<string, unknown> = {}) {
  return { expiration_date: futureDate, amount: '2500.00', multiple_use: false, concept: 'FAC', ...overrides };
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.reset();
  client = api(sandbox.url, await issueToken(sandbox.url));
});

it('checks the test CRC oracle against the standard check value', () => {
  expect(crc16('123456789')).toBe('29B1');
});

describe('dynamic QR: generate, pay through the control surface, read the cash-in', () => {
  it('credits the payment everywhere: cash-in record, income row, balance', async () => {
    const generated = await client.post('/v2/payment/cashin/qr/generate', { amount: 1234.5, concept: 'VAR', description: 'Mesa 4' });
    expect(generated.body).toEqual({ status: 'ok', qr_code: expect.any(String), qr_order_id: expect.any(Number) });
    expectEmvco(generated.body.qr_code);
    expect(generated.body.qr_code).toContain('1234.50');
    const before = await summaryOf(sandbox.url);

    const paid = await call(sandbox.url, 'POST', `/_sandbox/qr-orders/${generated.body.qr_order_id}/pay`, {
      body: { buyer: { cuit: demo.cuit, cvu: demo.cbu } },
    });
    expect(paid.status).toBe(201);
    expect((await summaryOf(sandbox.url)).balance_cents - before.balance_cents).toBe(123_450);

    const detail = await client.get(`/v2/payment/cashin/${paid.body.cashin_id}`);
    expect(detail.body).toEqual({
      status: 'ok',
      buyer: { cuit: demo.cuit, cvu: demo.cbu },
      amount: '1234.50',
      concept: 'VAR',
      description: 'Mesa 4',
      transaction_id: paid.body.transaction_id,
      qr_order_id: generated.body.qr_order_id,
      link_id: null,
    });
    expect((await todays('qr_payment'))[0]).toMatchObject({
      income: 1,
      amount: '1234.50',
      holder: demo.holder,
      cvu_cbu: demo.cbu,
      status: 'Aprobada',
      sale_point_name: '',
    });
    expect((await call(sandbox.url, 'POST', `/_sandbox/qr-orders/${generated.body.qr_order_id}/pay`)).status).toBe(409);
  });

  it('refuses invalid QR input with 422 and creates no order', async () => {
    const before = await summaryOf(sandbox.url);
    for (const body of [
      { amount: 0, concept: 'VAR', description: 'x' },
      { amount: 10, concept: 'NOPE', description: 'x' },
      { amount: 10, concept: 'VAR' },
    ]) {
      expect((await client.post('/v2/payment/cashin/qr/generate', body)).status).toBe(422);
    }
    expect(await summaryOf(sandbox.url)).toEqual(before);
  });
});

describe('GET /v2/payment/cashin/{id}', () => {
  it('reads seeded cash-ins, and answers 404 for an unknown id', async () => {
    const seeded = await client.get('/v2/payment/cashin/500001');
    expect(seeded.body).toMatchObject({
      status: 'ok',
      buyer: { cuit: expect.any(String), cvu: expect.any(String) },
      amount: expect.stringMatching(/^\d+\.\d{2}$/),
      transaction_id: expect.any(Number),
    });
    const unknown = await client.get('/v2/payment/cashin/100001');
    expect(unknown.status).toBe(404);
    expect(errorMessage(unknown)).toMatch(/not found/);
  });
});

describe('POST /v2/payment/cashin/transfer/generate', () => {
  it('returns a payment link for a valid payer', async () => {
    const response = await client.post('/v2/payment/cashin/transfer/generate', {
      cvu: person.cbu,
      cuit: person.cuit,
      amount: '800',
      concept: 'CUO',
      description: 'Cuota 3',
    });
    expect(response.body).toEqual({ status: 'ok', payment_link: expect.stringMatching(/^https:\/\//) });
  });

  it.each([
    ['a bad CVU', { cvu: '0000630500000060195376' }],
    ['a bad CUIT', { cuit: '27323575955' }],
    ['a bad amount', { amount: '1.234' }],
  ])('answers 422 for %s', async (_label, overrides) => {
    const body = { cvu: person.cbu, cuit: person.cuit, amount: '800', concept: 'CUO', description: 'Cuota 3', ...overrides };
    expect((await client.post('/v2/payment/cashin/transfer/generate', body)).status).toBe(422);
  });
});

describe('POST /v2/payment/cashin/transfer/generate and the payer holder', () => {
  it('accepts a payer CUIT the sandbox does not hold for that CVU unless the strict rule is on', async () => {
    const body = { cvu: person.cbu, cuit: demo.cuit, amount: '800', concept: 'CUO', description: 'Cuota 3' };
    expect((await client.post('/v2/payment/cashin/transfer/generate', body)).status).toBe(200);
    await call(sandbox.url, 'PUT', '/_sandbox/strict', { body: { rules: [TELEPAGOS_STRICT_RULES.cvuHolder] } });
    expect((await client.post('/v2/payment/cashin/transfer/generate', body)).status).toBe(422);
  });
});

describe('POST /v2/payment/cashin/link/generate', () => {
  it('creates a single-use link, paid once through the control surface', async () => {
    const created = await client.post('/v2/payment/cashin/link/generate', linkRequest());
    expect(created.body).toEqual({ status: 'ok', link: expect.stringMatching(/^https:\/\//), link_id: expect.any(Number) });
    const pay = () => call(sandbox.url, 'POST', `/_sandbox/payment-links/${created.body.link_id}/pay`);
    const paid = await pay();
    expect(paid.status).toBe(201);
    expect((await client.get(`/v2/payment/cashin/${paid.body.cashin_id}`)).body).toMatchObject({
      amount: '2500.00',
      link_id: created.body.link_id,
      qr_order_id: null,
    });
    expect((await todays('link_payment'))[0]).toMatchObject({ income: 1, amount: '2500.00' });
    expect((await pay()).status).toBe(409);
  });

  it('lets a multiple-use link be paid again; accepts form values and a JSON distribution string', async () => {
    const distribution = JSON.stringify([
      { cvu: EXTERNAL_CVU, amount: '1000.00' },
      { cvu: demo.cbu, amount: 1500 },
    ]);
    const created = await client.postForm('/v2/payment/cashin/link/generate', {
      expiration_date: futureDate,
      amount: '2500',
      multiple_use: '1',
      concept: 'FAC',
      distribution,
    });
    expect(created.body.status).toBe('ok');
    const before = await summaryOf(sandbox.url);
    for (let i = 0; i < 2; i++) expect((await call(sandbox.url, 'POST', `/_sandbox/payment-links/${created.body.link_id}/pay`)).status).toBe(201);
    expect((await summaryOf(sandbox.url)).cashins - before.cashins).toBe(2);
  });

  it(`accepts ${DISTRIBUTION_RULES.maxParts} parts (the most), adding up`, async () => {
    const distribution = Array.from({ length: DISTRIBUTION_RULES.maxParts }, () => ({ cvu: EXTERNAL_CVU, amount: '1.00' }));
    expect((await client.post('/v2/payment/cashin/link/generate', linkRequest({ amount: '20.00', distribution }))).body.status).toBe('ok');
  });

  it('accepts a distribution as form keys distribution[i][field]', async () => {
    const form = {
      expiration_date: futureDate,
      amount: '10',
      multiple_use: 'false',
      concept: 'VAR',
      'distribution[0][cvu]': EXTERNAL_CVU,
      'distribution[0][amount]': '4',
      'distribution[1][cvu]': demo.cbu,
      'distribution[1][amount]': '6',
    };
    expect((await client.postForm('/v2/payment/cashin/link/generate', form)).body.status).toBe('ok');
  });

  it.each([
    ['an expiration in the past', { expiration_date: '2025-06-01 10:00:00' }],
    ['an expiration with H:m:s digits missing', { expiration_date: '2025-07-01 9:5:0' }],
    ['an impossible expiration', { expiration_date: '2025-02-30 10:00:00' }],
    ['multiple_use not boolean', { multiple_use: 'maybe' }],
    ['a distribution that does not add up', { distribution: [{ cvu: EXTERNAL_CVU, amount: '2000' }] }],
    ['a distribution with a bad CVU', { distribution: [{ cvu: '123', amount: '2500' }] }],
    ['an empty distribution', { distribution: [] }],
    [
      `more than ${DISTRIBUTION_RULES.maxParts} parts, though they add up`,
      { amount: '21.00', distribution: Array.from({ length: DISTRIBUTION_RULES.maxParts + 1 }, () => ({ cvu: EXTERNAL_CVU, amount: '1.00' })) },
    ],
    ['no amount', { amount: undefined }],
  ])('answers 422 for %s', async (_label, overrides) => {
    const response = await client.post('/v2/payment/cashin/link/generate', linkRequest(overrides));
    expect(response.status).toBe(422);
    expect(errorMessage(response).length).toBeGreaterThan(0);
  });
});

describe('sale points', () => {
  it('lists the seeded sale points', async () => {
    const response = await client.get(SALE_POINT);
    expect(response.body).toEqual({
      status: 'ok',
      sale_points: [
        { id: 1, name: 'Sucursal Centro', status: 'active' },
        { id: 2, name: 'Sucursal Palermo', status: 'active' },
        { id: 3, name: 'Feria Costanera', status: 'inactive' },
        { id: 4, name: 'Caja Online', status: 'active' },
      ],
    });
  });

  it('creates one with a trimmed name, refusing duplicates, blanks and long names', async () => {
    const created = await client.post(SALE_POINT, { name: '  Kiosco Norte ' });
    expect(created.body).toEqual({ status: 'ok', sale_point_id: 5 });
    expect((await client.get(SALE_POINT)).body.sale_points).toContainEqual({ id: 5, name: 'Kiosco Norte', status: 'active' });
    for (const name of ['kiosco norte', '   ', 'x'.repeat(51)]) expect((await client.post(SALE_POINT, { name })).status).toBe(422);
  });

  it('deletes by JSON body or query string; an unknown id is 404', async () => {
    expect((await client.del(SALE_POINT, { body: { sale_point_id: 4 } })).body).toEqual({ status: 'ok' });
    expect((await client.del(SALE_POINT, { query: { sale_point_id: 2 } })).body).toEqual({ status: 'ok' });
    expect((await client.get(SALE_POINT)).body.sale_points.map((sp: { id: number }) => sp.id)).toEqual([1, 3]);
    const again = await client.del(SALE_POINT, { query: { sale_point_id: 4 } });
    expect(again.status).toBe(404);
    expect((await client.del(SALE_POINT)).status).toBe(422);
  });

  it('serves open and closed static QRs, different and both valid EMVCo', async () => {
    const qr = (type_amount: string) => client.get(`${SALE_POINT}/static`, { type_amount, sale_point_id: 1 });
    const [open, closed] = [(await qr('open')).body.qr_code as string, (await qr('closed')).body.qr_code as string];
    expectEmvco(open);
    expectEmvco(closed);
    expect(open).not.toBe(closed);
  });

  it("refuses a bad type (422) and an unknown sale point (404); serves an inactive one's printed QR", async () => {
    const get = (query: Record<string, string | number>) => client.get(`${SALE_POINT}/static`, query);
    expect((await get({ type_amount: 'half', sale_point_id: 1 })).status).toBe(422);
    expect((await get({ type_amount: 'open', sale_point_id: 99 })).status).toBe(404);
    expect((await get({ type_amount: 'open' })).status).toBe(422);
    const inactive = await get({ type_amount: 'open', sale_point_id: 3 });
    expect(inactive.status).toBe(200);
    expectEmvco(inactive.body.qr_code as string);
  });

  it('takes no orders for an inactive sale point (422)', async () => {
    const order = await client.post('/v2/payment/cashin/qr/static/order', { amount: '1', concept: 'VAR', description: 'x', sale_point_id: 3 });
    expect(order.status).toBe(422);
  });

  it('refuses a description longer than TelePagos takes, and takes one of the longest', async () => {
    const order = (description: string) => client.post('/v2/payment/cashin/qr/static/order', { amount: '1', concept: 'VAR', description, sale_point_id: 1 });
    expect((await order('x'.repeat(TELEPAGOS_TEXT_LIMITS.description))).body.status).toBe('ok');
    expect((await order('x'.repeat(TELEPAGOS_TEXT_LIMITS.description + 1))).status).toBe(422);
  });

  it('creates static orders whose payment carries the sale point name', async () => {
    const order = await client.post('/v2/payment/cashin/qr/static/order', { amount: '450.00', concept: 'VAR', description: 'Cafe', sale_point_id: '2' });
    expect(order.body).toEqual({ status: 'ok', qr_order_id: expect.any(Number) });
    await call(sandbox.url, 'POST', `/_sandbox/qr-orders/${order.body.qr_order_id}/pay`);
    expect((await todays('qr_payment'))[0]).toMatchObject({ amount: '450.00', sale_point_name: 'Sucursal Palermo', holder: person.holder });
    const unknown = await client.post('/v2/payment/cashin/qr/static/order', { amount: '1', concept: 'VAR', description: 'x', sale_point_id: 99 });
    expect(unknown.status).toBe(404);
  });
});
