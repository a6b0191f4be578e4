/**
 * Provider error text reaches clients, logs and spans only through the sanitiser (src/sanitize.ts): the
 * findings of issue 20 (secrets by their shape) and issue 26 (the configured secret values, Spanish
 * credential words, a CUIT grouped with slashes) replayed end to end against the sandboxes, in
 * production mode, issue 26's over HTTP and WebSocket. The gateway holds realistic secrets (not the
 * sandbox's `sandbox`), which no shape rule would catch. test/unit/sanitize.test.ts holds the property
 * test over many formats.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway, type ProviderSecrets } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { leakRecorder } from '../helpers/leaks.js';
import { spanText, useInMemoryTracing } from '../helpers/tracing.js';
import { TRANSPORTS } from '../helpers/transports.js';

const KEY = 'sanitiser-http-key-0123456789';
const AUTH = { authorization: `Bearer ${KEY}` };
const TOKEN = 'tp_6Bq9Zx2LmP4kRt7WvY3nQ8sD';
const CBU_GROUPED = '2850 5909 4009 0418 1352 01';
const CUIT_DASHED = '20-12345678-6';
/** What the provider's error body says: a session token, a space-grouped CBU, a dashed CUIT, a cookie. */
const PROVIDER_MESSAGE = `session ${TOKEN} expired; CBU ${CBU_GROUPED} of ${CUIT_DASHED}; Cookie: sid=9fK2mQ7xLp3RvT8wZs`;

/** Every form in which one of the secrets could appear in a text. */
const LEAKS = [TOKEN, CBU_GROUPED, CBU_GROUPED.replace(/ /g, ''), '2850590940090418', CUIT_DASHED, '20123456786', '9fK2mQ7xLp3RvT8wZs'];

/** Secrets as operators configure them: short enough, and made of words enough, to pass every shape rule. */
const SECRETS: ProviderSecrets = {
  telepagosPassword: 'Mate#Amargo-1987',
  taloClientSecret: 'TaloCs-Quilmes-77',
  tupaySecretKey: 'sk-Tupay-Pampa-2026',
};
const TALO_WEBHOOK_SECRET = 'whsec-Talo-Rio-8841';

describe('provider error text, production mode', () => {
  const tracing = useInMemoryTracing();
  const recorder = leakRecorder();
  const gw = useTestGateway({
    logger: recorder.logger,
    secrets: SECRETS,
    clients: ClientRegistry.fromJson([{ name: 'backoffice', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read', 'cashout'] }]),
    env: {
      NODE_ENV: 'production',
      TELEPAGOS_WEBHOOK_SECRET: 'x-webhook-secret',
      TALO_WEBHOOK_SECRET: TALO_WEBHOOK_SECRET,
      TUPAY_WEBHOOK_SECRET: 'z-webhook-secret',
      CLIENTS_FILE: '/nonexistent',
    },
  });
  beforeEach(() => {
    gw().clearLogs();
    tracing.reset();
  });

  function expectNoLeak(text: string): void {
    for (const secret of LEAKS) expect(text).not.toContain(secret);
  }

  it('masks them in a cash-out userError and in the log, keeping the last four digits of the CBU', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'POST /v2/payment/cashout', mode: 'error-body', message: PROVIDER_MESSAGE, status: 400 });
    const before = recorder.lines.length;
    const { body } = await gw().query(
      'mutation Pay($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { field message code } } }',
      { input: { referenceId: 'sanitiser-http-1', alias: 'pasarela.demo', cuit: '20123456786', amount: '5.00', concept: 'VAR', description: 'x' } },
      AUTH,
    );
    expect(gw().sandboxes.telepagos.log.count('POST /v2/payment/cashout')).toBeGreaterThan(0);
    const text = JSON.stringify(body);
    // The provider's words did reach the client…
    expect(text).toMatch(/expired/);
    expect(text).toMatch(/\*+5201/);
    // …without any secret, in the answer or in what was logged meanwhile.
    expectNoLeak(text);
    expectNoLeak(recorder.lines.slice(before).join('\n'));
  });

  it('masks them in a read error’s providerMessage and in the log', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'error-body', message: PROVIDER_MESSAGE });
    const before = recorder.lines.length;
    const { body } = await gw().query('{ account(provider: TELEPAGOS) { balance { amount } } }', undefined, AUTH);
    const error = body.errors?.[0];
    expect(error?.extensions?.provider).toBe('TELEPAGOS');
    expect(String(error?.extensions?.providerMessage)).toMatch(/expired/);
    expectNoLeak(JSON.stringify(body));
    expectNoLeak(recorder.lines.slice(before).join('\n'));
  });

  describe.each(TRANSPORTS)('issue 26 over $name: a read-only key sees the provider message without the configured secrets', (t) => {
    const CONFIGURED = [...Object.values(SECRETS), TALO_WEBHOOK_SECRET];
    const READ_KEY = { authorization: `Bearer ${KEY}` };

    /**
     * Sends `query` with the read-only key; no configured secret (nor the CUIT) may be in the answer, in
     * what was logged meanwhile, or in any span (status messages included).
     */
    async function replay(query: string, variables?: Record<string, unknown>) {
      const before = recorder.lines.length;
      const { body } = await t.send(gw(), query, variables, READ_KEY);
      const logged = recorder.lines.slice(before).join('\n');
      const spans = spanText(tracing.spans());
      for (const text of [JSON.stringify(body), logged, spans]) {
        for (const secret of [...CONFIGURED, '20/12345678/6', '12345678']) expect(text).not.toContain(secret);
      }
      return { error: body.errors?.[0], logged, spans };
    }

    it('TelePagos: `contraseña <password> vencida` and `cuit 20/12345678/6`', async () => {
      const message = `contraseña ${SECRETS.telepagosPassword} vencida; cuit 20/12345678/6 (login pasarela:${SECRETS.telepagosPassword})`;
      gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'error-body', message });
      const { error } = await replay('{ account(provider: TELEPAGOS) { balance { amount } } }');
      expect(error?.extensions).toMatchObject({
        provider: 'TELEPAGOS',
        providerMessage: 'contraseña [redacted] vencida; cuit *******6786 (login pasarela:[redacted])',
      });
    });

    it('Tupay: `La clave <secret key> es incorrecta`, and the key again with no word before it', async () => {
      const message = `La clave ${SECRETS.tupaySecretKey} es incorrecta (firma calculada con ${SECRETS.tupaySecretKey})`;
      gw().sandboxes.tupay.faults.add({ route: 'GET /v1/balance', mode: 'error-body', status: 400, message });
      const { error } = await replay('{ account(provider: TUPAY) { balances { amount } } }');
      expect(error?.extensions).toMatchObject({ provider: 'TUPAY', providerMessage: 'La clave [redacted] es incorrecta (firma calculada con [redacted])' });
    });

    it('Talo: `client_secret <client secret>` after a space, and the webhook secret, also in the log line and the field span', async () => {
      const payments = await call(gw().sandboxes.talo.url, 'GET', '_sandbox/payments');
      const message = `client_secret ${SECRETS.taloClientSecret} rechazado; webhook firmado con ${TALO_WEBHOOK_SECRET}`;
      gw().sandboxes.talo.faults.add({ route: 'GET /payments/:id', mode: 'error-body', status: 400, message });
      const { error, logged, spans } = await replay('query($id: ID!) { payment(id: $id) { id } }', { id: payments.body.payments[0].id });
      const safe = 'client_secret [redacted] rechazado; webhook firmado con [redacted]';
      expect(error?.extensions).toMatchObject({ provider: 'TALO', providerMessage: safe });
      // A failed Talo read is logged (`talo call failed`), and over HTTP its field's span ends with the error.
      expect(logged).toContain(`"providerMessage":"${safe}"`);
      if (t.name === 'http') expect(spans).toContain(`"message":"TALO refused GET payments/{id}: ${safe}"`);
    });
  });
});
