/**
 * Provider error text reaches clients and logs only through the shape-based sanitiser
 * (src/sanitize.ts): the finding of issue 20 replayed end to end, over HTTP against the TelePagos
 * sandbox, in production mode. test/unit/sanitize.test.ts holds the property test over many formats.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway } from '../helpers/gateway.js';
import { leakRecorder } from '../helpers/leaks.js';

const KEY = 'sanitiser-http-key-0123456789';
const AUTH = { authorization: `Bearer ${KEY}` };
const TOKEN = 'tp_6Bq9Zx2LmP4kRt7WvY3nQ8sD';
const CBU_GROUPED = '2850 5909 4009 0418 1352 01';
const CUIT_DASHED = '20-12345678-6';
/** What the provider's error body says: a session token, a space-grouped CBU, a dashed CUIT, a cookie. */
const PROVIDER_MESSAGE = `session ${TOKEN} expired; CBU ${CBU_GROUPED} of ${CUIT_DASHED}; Cookie: sid=9fK2mQ7xLp3RvT8wZs`;

/** Every form in which one of the secrets could appear in a text. */
const LEAKS = [TOKEN, CBU_GROUPED, CBU_GROUPED.replace(/ /g, ''), '2850590940090418', CUIT_DASHED, '20123456786', '9fK2mQ7xLp3RvT8wZs'];

describe('provider error text over HTTP, production mode', () => {
  const recorder = leakRecorder();
  const gw = useTestGateway({
    logger: recorder.logger,
    clients: ClientRegistry.fromJson([{ name: 'backoffice', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read', 'cashout'] }]),
    env: {
      NODE_ENV: 'production',
      TELEPAGOS_WEBHOOK_SECRET: 'x-webhook-secret',
      TALO_WEBHOOK_SECRET: 'y-webhook-secret',
      TUPAY_WEBHOOK_SECRET: 'z-webhook-secret',
      CLIENTS_FILE: '/nonexistent',
    },
  });
  beforeEach(() => gw().clearLogs());

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
});
