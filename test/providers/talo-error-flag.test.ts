/**
 * Talo's envelope flag `error`, over HTTP against the sandbox: documented a boolean, read in every
 * plausible form. A true flag (`true`, `"true"`, `1`) with a message is a refusal; otherwise the payload
 * (`data`) decides. A flag in another form is counted as a wire surprise.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WireSurprise } from '../../src/providers/wire.js';
import { ROUTES, failure, paymentInput, useTaloSandbox } from './talo-client-fixture.js';

const talo = useTaloSandbox();

afterEach(() => {
  talo.sandbox.answerRewrites.clear();
});

/** A client with its token and a payment ready; its wire surprises are kept. */
async function ready() {
  const surprises: WireSurprise[] = [];
  const client = talo.client({ onWireSurprise: (s) => surprises.push(s) });
  const { id } = await client.createPayment(paymentInput());
  const flagSurprises = () => surprises.filter((s) => s.field === 'error').map((s) => [s.kind, s.detail]);
  return { client, id, flagSurprises };
}

describe('the error flag in other forms', () => {
  it.each([['true'], [1], [' TRUE ']])('error %j with a message is a refusal carrying it', async (flag) => {
    const { client, id, flagSurprises } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'error-body', status: 200, body: { error: flag, message: 'Pago bloqueado', data: null }, times: 1 });
    expect(await failure(client.getPayment(id))).toMatchObject({ reason: 'REJECTED', providerMessage: 'Pago bloqueado' });
    expect(flagSurprises()).toEqual([['coerced_type', `${typeof flag} for boolean`]]);
  });

  it.each([
    ['false', 'coerced_type', 'string for boolean'],
    ['procesado', 'unknown_status', 'procesado'],
  ])('error %j with the payment is the payment', async (flag, kind, detail) => {
    const { client, id, flagSurprises } = await ready();
    talo.sandbox.answerRewrites.set(ROUTES.get, (body) => ({ ...(body as object), error: flag }));
    expect((await client.getPayment(id)).id).toBe(id);
    expect(flagSurprises()).toEqual([[kind, detail]]);
  });

  it('a flag that is not true, without data, is a BAD_RESPONSE', async () => {
    const { client, id } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'error-body', status: 200, body: { error: 'procesado', message: 'En curso' }, times: 1 });
    expect((await failure(client.getPayment(id))).reason).toBe('BAD_RESPONSE');
  });

  it('the documented boolean tells nothing', async () => {
    const { client, id, flagSurprises } = await ready();
    expect((await client.getPayment(id)).id).toBe(id);
    expect(flagSurprises()).toEqual([]);
  });
});
