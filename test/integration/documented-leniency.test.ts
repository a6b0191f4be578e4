/**
 * Nothing stricter than the provider documents (issue 30), over HTTP against the sandboxes:
 * - createPayment takes Talo's own example redirect, `fabricadefotolibros.com/checkout/1234`, and sends
 *   it as given; other schemes and non-addresses are still refused before sending;
 * - a TelePagos notification in the documents' words (`{"operation": "cashin", "id": 4242}`), as JSON or
 *   form-encoded, on the secret URL is confirmed and published;
 * - statistics periods other than `YYYY-MM` go to TelePagos, which judges them; empty or impossible
 *   ones are refused before sending.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { webhookUrl } from '../../src/providers/webhook-url.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id } userErrors { field message code } }
}`;
const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { field message code } } }`;
const EVENTS = `{ events(provider: TELEPAGOS, first: 100) { nodes { type cashin { id qrOrderId amount { amount } } } } }`;
const STATISTICS = `query($p: String!) { statistics(period: $p) { period openCvuCount } }`;

const globalId = (provider: string, localId: string | number) => Buffer.from(`Cashin:${provider}:${localId}`).toString('base64url');
const upstream = (gw: TestGateway) => [gw.sandboxes.telepagos, gw.sandboxes.talo, gw.sandboxes.tupay].flatMap((s) => s.log.list());

describe('as lenient as the documents', () => {
  const gw = useTestGateway({ publicUrlIsGateway: true, env: { MAX_OPERATION_AMOUNT: '100000', WEBHOOK_CONFIRM_BURST: '1000' } });

  it("createPayment takes Talo's example redirect without a scheme, and sends it exactly as given", async () => {
    for (const redirectUrl of ['fabricadefotolibros.com/checkout/1234', 'shop.example:8080/thanks?order=7', 'localhost/ok']) {
      const externalId = `redirect-${process.pid}-${redirectUrl.length}`;
      gw().clearLogs();
      const { body } = await gw().query(CREATE_PAYMENT, { input: { price: { amount: '10.00', currency: 'ARS' }, externalId, redirectUrl } });
      expect(body.data.createPayment.userErrors).toEqual([]);
      const sent = gw().sandboxes.talo.log.list('POST /payments/')[0]!.body as Record<string, unknown>;
      expect(sent.redirect_url).toBe(redirectUrl);
      const stored = [...gw().sandboxes.talo.state.payments.values()].find((p) => p.externalId === externalId)!;
      expect(stored.redirectUrl).toBe(redirectUrl);
    }
  });

  it.each(['thanks', 'javascript:alert(1)', 'mailto:x@shop.example', 'ftp://shop.example/x', 'shop example.com/x', 'http:/shop.example'])(
    'a redirect that is no web address (%s) is still INVALID_INPUT, nothing sent',
    async (redirectUrl) => {
      gw().clearLogs();
      const { body } = await gw().query(CREATE_PAYMENT, { input: { price: { amount: '10.00', currency: 'ARS' }, externalId: 'nope', redirectUrl } });
      expect(body.data.createPayment.userErrors).toEqual([expect.objectContaining({ field: ['input', 'redirectUrl'], code: 'INVALID_INPUT' })]);
      expect(upstream(gw())).toEqual([]);
    },
  );

  /** A TelePagos cash-in paid in the sandbox and never notified. */
  async function quietCashin(amount: string): Promise<{ cashinId: number; qrOrderId: string }> {
    const { body } = await gw().query(QR_CHARGE, { input: { amount, concept: 'VAR', description: 'Mesa 1' } });
    expect(body.data.createQrCharge.userErrors).toEqual([]);
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${body.data.createQrCharge.qrOrderId}/pay`);
    expect(paid.body.notification_id).toBeNull();
    return { cashinId: paid.body.cashin_id, qrOrderId: body.data.createQrCharge.qrOrderId };
  }

  const tokenPath = () => new URL(webhookUrl(gw().url, 'TELEPAGOS', gw().config.providers.telepagos!.webhookSecret)).pathname;

  it.each([
    ['JSON', (id: number) => ({ body: { operation: 'cashin', id } })],
    ['form-encoded', (id: number) => ({ form: { operation: 'cashin', id: String(id) } })],
    ['form-encoded, sent as text/plain', (id: number) => ({ raw: `operation=cashin&id=${id}`, headers: { 'content-type': 'text/plain' } })],
    [
      'form-encoded, with fields named like prototypes',
      (id: number) => ({
        raw: `__proto__=a&__proto__=b&constructor=c&operation=cashin&id=${id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ],
  ])("a notification in the documents' words (%s) on the secret URL → read from TelePagos and published", async (_form, request) => {
    const { cashinId, qrOrderId } = await quietCashin('77.70');
    gw().clearLogs();
    const answer = await call(gw().url, 'POST', tokenPath(), request(cashinId));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: true, outcome: 'published' });
    expect(
      gw()
        .sandboxes.telepagos.log.list()
        .filter((r) => r.path === `/v2/payment/cashin/${cashinId}`),
    ).toHaveLength(1);
    const event = await waitFor('the CASHIN_RECEIVED event', async () => {
      const { body } = await gw().query(EVENTS);
      return (body.data.events.nodes as { cashin: { id: string } | null }[]).find((e) => e.cashin?.id === globalId('TELEPAGOS', cashinId));
    });
    expect(event).toEqual({ type: 'CASHIN_RECEIVED', cashin: { id: globalId('TELEPAGOS', cashinId), qrOrderId, amount: { amount: '77.70' } } });
  });

  it('a bare id, or a body that is neither JSON nor a form, still names nothing: 400, no provider call', async () => {
    gw().clearLogs();
    for (const request of [{ body: { id: 4242 } }, { form: { id: '4242' } }, { raw: 'operation: cashin, id 4242' }]) {
      const answer = await call(gw().url, 'POST', tokenPath(), request);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: 'malformed' });
    }
    expect(upstream(gw())).toEqual([]);
  });

  it('statistics: other period forms go to TelePagos, which judges them (its refusal is answered); YYYY-MM still answers', async () => {
    for (const period of ['2026', '2026-01-01', 'enero 2026', '2026/01']) {
      gw().clearLogs();
      const { body } = await gw().query(STATISTICS, { p: period });
      const sent = gw()
        .sandboxes.telepagos.log.list()
        .filter((r) => r.path.startsWith('/v2/whitelabel/statics/'));
      expect(sent.map((r) => decodeURIComponent(r.path.slice('/v2/whitelabel/statics/'.length)))).toEqual([period]);
      // The sandbox plays the assumed `YYYY-MM`: TelePagos' own refusal comes back, naming the provider.
      expect(body.data?.statistics ?? null).toBeNull();
      expect(body.errors![0]).toMatchObject({ path: ['statistics'], extensions: { code: 'PROVIDER_ERROR', provider: 'TELEPAGOS' } });
    }
    const { body } = await gw().query(STATISTICS, { p: '2025-12' });
    expect(body.errors).toBeUndefined();
    expect(body.data.statistics.period).toBe('2025-12');
  });

  it.each(['', '2026-13', '2026-02-30', '..', 'x'.repeat(33)])('statistics: an impossible period (%j) is BAD_USER_INPUT, nothing sent', async (period) => {
    gw().clearLogs();
    const { body } = await gw().query(STATISTICS, { p: period });
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(upstream(gw())).toEqual([]);
  });
});
