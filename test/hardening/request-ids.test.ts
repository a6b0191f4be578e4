/**
 * The request id: on every log line written while a request is handled (resolvers, provider clients,
 * credential renewals, retries, webhooks) and in every GraphQL error's extensions.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway } from '../helpers/gateway.js';
import { leakRecorder } from '../helpers/leaks.js';

describe('request ids', () => {
  const recorder = leakRecorder();
  const gw = useTestGateway({ logger: recorder.logger });

  /** Runs one request alone and returns the log lines written meanwhile. */
  async function linesOf(send: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
    const before = recorder.lines.length;
    await send();
    return recorder.lines.slice(before).map((line) => JSON.parse(line));
  }

  it('is on every log line of a query that logs in, retries and fails at a provider, and on its errors', async () => {
    gw().sandboxes.tupay.faults.add({ route: 'GET /v1/balance', mode: 'status', status: 503 });
    let errors: { extensions?: Record<string, unknown> }[] = [];
    const lines = await linesOf(async () => {
      const { body } = await gw().query('{ accounts { balance { amount } } paymentConcepts { id } }', undefined, { 'x-request-id': 'rid-query-1' });
      errors = body.errors ?? [];
    });
    // Token, session, failed attempts and retries were all logged…
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['telepagos access token obtained', 'tupay session opened', 'retrying upstream call', 'upstream call failed']),
    );
    // …each with the request's id.
    for (const line of lines) expect(line.requestId, String(line.msg)).toBe('rid-query-1');
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions?.requestId).toBe('rid-query-1');
    gw().clearLogs();
  });

  it('is on every log line of a cash-out (the provider client line and the audit line)', async () => {
    const lines = await linesOf(() =>
      gw().query(
        'mutation Pay($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code } } }',
        { input: { referenceId: 'rid-0001', alias: 'pasarela.demo', cuit: '20-12345678-6', amount: '12.00', concept: 'VAR', description: 'ids' } },
        { 'x-request-id': 'rid-mutation-1' },
      ),
    );
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['telepagos cash-out sent']));
    expect(lines.some((line) => line.audit !== undefined)).toBe(true);
    for (const line of lines) expect(line.requestId, String(line.msg)).toBe('rid-mutation-1');
    // Each key appears once on a line: no duplicated requestId in the JSON text.
    for (const raw of recorder.lines.slice(-lines.length)) expect(raw.match(/"requestId"/g)).toHaveLength(1);
  });

  it('is on the log line of an unexpected error, whose original is logged and masked in the response', async () => {
    const telepagos = gw().gateway.providers.telepagos!;
    const real = telepagos.balance.bind(telepagos);
    telepagos.balance = async () => {
      throw new TypeError('an unexpected bug');
    };
    try {
      let errors: { message: string; extensions?: Record<string, unknown> }[] = [];
      const lines = await linesOf(async () => {
        const { body } = await gw().query('{ account(provider: TELEPAGOS) { balance { amount } } }', undefined, { 'x-request-id': 'rid-bug-1' });
        errors = body.errors ?? [];
      });
      expect(errors).toHaveLength(1);
      expect(errors[0]!.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'rid-bug-1' });
      const logged = lines.filter((line) => line.msg === 'unexpected error while resolving');
      expect(logged).toHaveLength(1);
      expect(logged[0]!.requestId).toBe('rid-bug-1');
      expect(JSON.stringify(logged[0]!.err)).toContain('an unexpected bug');
    } finally {
      telepagos.balance = real;
    }
  });

  it('is on every log line of a webhook, signed or not', async () => {
    const notice = JSON.stringify({ event: 'cashout.updated', id: 100264, status: 'completed' });
    for (const [id, headers] of [
      ['rid-webhook-unsigned', {}],
      ['rid-webhook-signed', { 'x-signature': telepagosSignature(notice, SANDBOX_CREDENTIALS.telepagos.webhookSecret) }],
    ] as const) {
      const lines = await linesOf(async () => {
        const response = await request(`${gw().url}/webhooks/telepagos`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id, ...headers },
          body: notice,
        });
        await response.body.dump();
      });
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line.requestId, String(line.msg)).toBe(id);
    }
  });

  it('puts the request id in request-level errors too (parse, validation, limits)', async () => {
    for (const [query, id] of [
      ['{ accounts { ', 'rid-parse'],
      ['{ accounts { nope } }', 'rid-validation'],
      [`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: salePoints { id }`).join(' ')} }`, 'rid-limit'],
    ]) {
      const { headers, body } = await gw().query(query!, undefined, { 'x-request-id': id! });
      expect(headers['x-request-id']).toBe(id);
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors ?? []) expect(error.extensions?.requestId).toBe(id);
    }
  });
});
