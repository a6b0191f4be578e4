/**
 * Talo client over real HTTP: nothing secret — client secret, issued tokens, the authorization header —
 * reaches a log line or an error, across successes, refusals, faults and renewals.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leakRecorder } from '../helpers/leaks.js';
import { Secret } from '../../src/secret.js';
import { ROUTES, paymentInput, useTaloSandbox } from './talo-client-fixture.js';

describe('Talo client: no secret leaks', () => {
  const talo = useTaloSandbox();

  it('keeps the client secret and every token out of logs and errors', async () => {
    const recorder = leakRecorder();
    const client = talo.client({ logger: recorder.logger, timeoutMs: 100 });
    const attempt = (promise: Promise<unknown>) => recorder.record(promise).catch(() => undefined);

    // Successes, and a renewal after Talo's 401.
    const { id } = await client.createPayment(paymentInput());
    await talo.control(`/_sandbox/payments/${id}/transfers`, { amount: '100.25' });
    await client.getPayment(id);
    await talo.control('/_sandbox/tokens/expire');
    await client.getPayment(id);
    const token = talo.sandbox.tokens.all().at(-1)!;

    // Refusals, one of them echoing the token back in its message.
    await attempt(client.createPayment(paymentInput({ externalId: '' })));
    await attempt(client.getPayment('VAR-00000000-0000-4000-8000-000000000000'));
    await talo.fault({ route: ROUTES.get, mode: 'error-body', status: 401, message: `Invalid token ${token}`, times: 2 });
    await attempt(client.getPayment(id));
    await talo.fault({ route: ROUTES.get, mode: 'error-body', status: 400, message: `Bearer ${token} refused`, times: 1 });
    await attempt(client.getPayment(id));
    await talo.fault({ route: ROUTES.get, mode: 'error-body', status: 403, message: `token=${token} is not yours`, times: 1 });
    await attempt(client.getPayment(id));

    // Transport failures and a cancelled call (its error carries a cause).
    await talo.fault({ route: ROUTES.get, mode: 'status', status: 503, times: 3 });
    await attempt(client.getPayment(id));
    await talo.fault({ route: ROUTES.create, mode: 'hang', times: 1 });
    await attempt(client.createPayment(paymentInput()));
    await talo.fault({ route: ROUTES.get, mode: 'hang', times: 1 });
    await attempt(client.getPayment(id, { signal: AbortSignal.timeout(30) }));

    // Another client whose secret Talo refuses.
    const wrongSecret = randomBytes(32).toString('base64url');
    const wrong = talo.client({ logger: recorder.logger, clientSecret: new Secret(wrongSecret) });
    await attempt(wrong.getPayment(id));

    expect(recorder.errors.length).toBeGreaterThanOrEqual(9);
    expect(recorder.lines.filter((l) => l.includes('talo access token obtained'))).toHaveLength(talo.sandbox.tokens.issued);
    const warnings = recorder.lines.filter((l) => l.includes('"level":40') && l.includes('talo call failed'));
    expect(warnings.length).toBeGreaterThanOrEqual(8);
    expect(warnings.every((l) => l.includes('"message":"TALO'))).toBe(true);
    // The secrets were really used on the wire, so their absence above means something.
    expect(talo.sandbox.log.list(ROUTES.get).some((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(talo.sandbox.tokens.all().length).toBeGreaterThanOrEqual(3);
    recorder.expectNoSecrets([talo.account.clientSecret, wrongSecret, ...talo.sandbox.tokens.all()]);
  });
});
