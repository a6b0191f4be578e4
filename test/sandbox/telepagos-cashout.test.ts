import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { EXTERNAL_CVU, FIXTURE_ACCOUNTS, TELEPAGOS_ACCOUNT } from '../../src/sandbox/telepagos/index.js';
import { TELEPAGOS_STRICT_RULES } from '../../src/providers/telepagos/assumptions.js';
import { TODAY, api, balanceOf, errorMessage, issueToken, startTestSandbox, summaryOf, type Api } from './telepagos-helpers.js';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;
let sandbox: Sandbox;
let client: Api;
let token: string;
const { demo, supplier } = FIXTURE_ACCOUNTS;
const CASHOUT = '/v2/payment/cashout';

/** A valid transfer to the demo alias; override what a test is about. */
function transfer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { alias: demo.alias, cuit: demo.cuit, amount: '1500.50', reference_id: 'ref-1', concept: 'VAR', description: 'Pago de prueba', ...overrides };
}

async function todaysCashouts() {
  const body = (await client.get('/v2/account/transactions', { date_from: TODAY, date_to: TODAY, operation: 'cashout' })).body;
  return body.transactions as Record<string, unknown>[];
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.reset();
  token = await issueToken(sandbox.url);
  client = api(sandbox.url, token);
});

describe('POST /v2/payment/cashout', () => {
  it('takes the amount as a JSON number or a string (the document says decimal), and logs the exact bytes', async () => {
    const raw = (body: string) => call(sandbox.url, 'POST', CASHOUT, { raw: body, headers: { authorization: `Bearer ${token}` } });
    const before = await summaryOf(sandbox.url);
    const asNumber = await raw(JSON.stringify(transfer({ reference_id: 'n-1' })).replace('"amount":"1500.50"', '"amount":1500.50'));
    const asString = await raw(JSON.stringify(transfer({ reference_id: 's-1' })));
    expect([asNumber.status, asString.status]).toEqual([200, 200]);
    expect(before.balance_cents - (await summaryOf(sandbox.url)).balance_cents).toBe(2 * 150_050);
    const bodies = sandbox.log.list('POST /v2/payment/cashout').map((e) => e.rawBody);
    expect(bodies[0]).toContain('"amount":1500.50');
    expect(bodies[1]).toContain('"amount":"1500.50"');
  });

  it('accepts a known CVU with a CUIT the sandbox does not hold for it unless the strict rule is on', async () => {
    const body = transfer({ alias: undefined, cvu: supplier.cbu, cuit: demo.cuit });
    const lenient = await client.post(CASHOUT, body);
    expect(lenient.status).toBe(200);
    const on = await call(sandbox.url, 'PUT', '/_sandbox/strict', { body: { rules: [TELEPAGOS_STRICT_RULES.cvuHolder] } });
    expect(on.body).toEqual({ rules: [TELEPAGOS_STRICT_RULES.cvuHolder] });
    const strict = await client.post(CASHOUT, { ...body, reference_id: 'ref-2' });
    expect([strict.status, errorMessage(strict)]).toEqual([422, `The cvu ${supplier.cbu} belongs to another holder`]);
    expect((await call(sandbox.url, 'PUT', '/_sandbox/strict', { body: { rules: ['made-up'] } })).status).toBe(400);
    expect((await call(sandbox.url, 'GET', '/_sandbox/strict')).body).toEqual({
      rules: [TELEPAGOS_STRICT_RULES.cvuHolder],
      known: Object.values(TELEPAGOS_STRICT_RULES),
    });
  });

  it('debits exactly the amount, lists the transfer today and answers an integer id', async () => {
    const before = await summaryOf(sandbox.url);
    const listedBefore = (await todaysCashouts()).length;
    const response = await client.post(CASHOUT, transfer());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', id: expect.any(Number) });
    expect(Number.isInteger(response.body.id)).toBe(true);
    const after = await summaryOf(sandbox.url);
    expect(before.balance_cents - after.balance_cents).toBe(150_050);
    expect(await balanceOf(client)).toBe(Math.trunc(after.balance_cents / 100));
    const listed = await todaysCashouts();
    expect(listed).toHaveLength(listedBefore + 1);
    expect(listed[0]).toEqual({
      income: 0,
      date: expect.stringMatching(/^2025-06-15 \d{2}:\d{2}:\d{2}$/),
      amount: '1500.50',
      operation: 'cashout',
      holder: demo.holder,
      cuit: demo.cuit,
      cvu_cbu: demo.cbu,
      status: 'Aprobada',
      sale_point_name: '',
    });
  });

  it('sends to a CBU; an unknown one is an external account accepted with any valid CUIT', async () => {
    const known = await client.post(CASHOUT, transfer({ alias: undefined, cvu: supplier.cbu, cuit: supplier.cuit, reference_id: 'cbu-1' }));
    const external = await client.post(CASHOUT, transfer({ alias: undefined, cvu: EXTERNAL_CVU, cuit: demo.cuit, reference_id: 'cbu-2' }));
    expect([known.body.status, external.body.status]).toEqual(['ok', 'ok']);
    expect((await todaysCashouts()).slice(0, 2).map((row) => row.cvu_cbu)).toEqual([EXTERNAL_CVU, supplier.cbu]);
  });

  it('accepts a form-encoded body (all values strings)', async () => {
    const form = { cvu: EXTERNAL_CVU, cuit: '20-12345678-6', amount: '10', reference_id: 'form-1', concept: 'var', description: 'Formulario' };
    const response = await client.postForm(CASHOUT, form);
    expect(response.body).toEqual({ status: 'ok', id: expect.any(Number) });
  });

  it('replays the same reference_id with the same data: same id, one transfer, one debit', async () => {
    const before = await summaryOf(sandbox.url);
    const first = await client.post(CASHOUT, transfer({ reference_id: 'replay-1' }));
    const second = await client.post(CASHOUT, transfer({ reference_id: 'replay-1' }));
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const after = await summaryOf(sandbox.url);
    expect(after.cashouts - before.cashouts).toBe(1);
    expect(before.balance_cents - after.balance_cents).toBe(150_050);
    expect((await todaysCashouts()).filter((row) => row.amount === '1500.50')).toHaveLength(1);
  });

  it('answers 409 for a reference_id reused with other data, and moves no money', async () => {
    await client.post(CASHOUT, transfer({ reference_id: 'conflict-1' }));
    const before = await summaryOf(sandbox.url);
    const response = await client.post(CASHOUT, transfer({ reference_id: 'conflict-1', amount: '99.99' }));
    expect(response.status).toBe(409);
    expect(errorMessage(response)).toMatch(/conflict-1/);
    expect(await summaryOf(sandbox.url)).toEqual(before);
  });

  it('refuses both cvu and alias, and neither', async () => {
    const both = await client.post(CASHOUT, transfer({ cvu: demo.cbu }));
    const neither = await client.post(CASHOUT, transfer({ alias: undefined }));
    expect([both.status, neither.status]).toEqual([422, 422]);
    expect(errorMessage(both)).toMatch(/both/);
    expect(errorMessage(neither)).toMatch(/required/);
  });

  it('refuses an unknown alias and a CUIT of another holder, like the real API (the CVU check: strict rule only)', async () => {
    sandbox.strict.add(TELEPAGOS_STRICT_RULES.cvuHolder);
    const unknown = await client.post(CASHOUT, transfer({ alias: 'nadie.sabe' }));
    const otherHolder = await client.post(CASHOUT, transfer({ cuit: supplier.cuit }));
    const otherCbuHolder = await client.post(CASHOUT, transfer({ alias: undefined, cvu: supplier.cbu, cuit: demo.cuit }));
    expect(errorMessage(unknown)).toBe('The alias nadie.sabe does not exist');
    expect(errorMessage(otherHolder)).toBe(`The alias ${demo.alias} belongs to another holder`);
    expect(errorMessage(otherCbuHolder)).toBe(`The cvu ${supplier.cbu} belongs to another holder`);
    expect([unknown.status, otherHolder.status, otherCbuHolder.status]).toEqual([422, 422, 422]);
  });

  it('matches aliases case-insensitively', async () => {
    const response = await client.post(CASHOUT, transfer({ alias: demo.alias.toUpperCase() }));
    expect(response.body.status).toBe('ok');
  });

  it.each([
    ['a CUIT with a bad check digit', { cuit: '20123456787' }],
    ['a CBU with a bad check digit', { alias: undefined, cvu: '0000071000000000543214' }],
    ['a CBU of 21 digits', { alias: undefined, cvu: '000007100000000054321' }],
    ['an alias with a space', { alias: 'pasarela demo' }],
    ['an alias that is too short', { alias: 'abc' }],
    ['amount 0', { amount: 0 }],
    ['a negative amount', { amount: -10 }],
    ['an amount with 3 decimals', { amount: '10.005' }],
    ['a non-numeric amount', { amount: 'diez' }],
    ['no reference_id', { reference_id: undefined }],
    ['an unknown concept', { concept: 'XYZ' }],
    ['no description', { description: '' }],
  ])('answers 422 for %s, before any state change', async (_label, overrides) => {
    const before = await summaryOf(sandbox.url);
    const response = await client.post(CASHOUT, transfer(overrides));
    expect(response.status).toBe(422);
    expect(errorMessage(response).length).toBeGreaterThan(0);
    expect(await summaryOf(sandbox.url)).toEqual(before);
  });

  it('refuses a transfer above the balance', async () => {
    const { balance_cents } = await summaryOf(sandbox.url);
    const response = await client.post(CASHOUT, transfer({ amount: ((balance_cents + 1) / 100).toFixed(2) }));
    expect(response.status).toBe(422);
    expect(errorMessage(response)).toBe('Insufficient funds');
  });

  it('refuses a transfer to the account itself', async () => {
    const response = await client.post(CASHOUT, transfer({ alias: undefined, cvu: TELEPAGOS_ACCOUNT.cbu, cuit: TELEPAGOS_ACCOUNT.cuit }));
    expect(response.status).toBe(422);
  });
});

describe('GET /v2/payment/cashout/{id}', () => {
  it('returns the voucher: a base64 PDF with the amount and the reference', async () => {
    const { id } = (await client.post(CASHOUT, transfer({ reference_id: 'voucher-ref-7' }))).body;
    const response = await client.get(`${CASHOUT}/${id}`);
    expect(response.body).toEqual({ status: 'ok', voucher: expect.any(String) });
    const pdf = Buffer.from(response.body.voucher, 'base64').toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdf).toContain('1500.50');
    expect(pdf).toContain('voucher-ref-7');
    // The xref table points at each object: a viewer opens it without repair.
    const xrefAt = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...pdf.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, i) => expect(pdf.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true));
  });

  it('answers 404 for an unknown id', async () => {
    for (const id of ['999', 'abc']) {
      const response = await client.get(`${CASHOUT}/${id}`);
      expect(response.status).toBe(404);
      expect(errorMessage(response)).toMatch(/not found/);
    }
  });
});

describe('POST /_sandbox/cashouts/:id/reject', () => {
  it('refunds the transfer and marks it Rechazada', async () => {
    const before = await summaryOf(sandbox.url);
    const { id } = (await client.post(CASHOUT, transfer({ reference_id: 'reject-1' }))).body;
    const rejected = await call(sandbox.url, 'POST', `/_sandbox/cashouts/${id}/reject`);
    expect(rejected.body).toMatchObject({ id, status: 'Rechazada' });
    expect((await summaryOf(sandbox.url)).balance_cents).toBe(before.balance_cents);
    expect((await todaysCashouts())[0]).toMatchObject({ amount: '1500.50', status: 'Rechazada' });
    expect((await call(sandbox.url, 'POST', `/_sandbox/cashouts/${id}/reject`)).status).toBe(409);
    expect((await call(sandbox.url, 'POST', '/_sandbox/cashouts/1/reject')).status).toBe(404);
  });
});
