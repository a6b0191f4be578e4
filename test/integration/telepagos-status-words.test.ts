/**
 * TelePagos status words through the gateway, over HTTP: the token endpoint, the data endpoints and the
 * cash-out POST answering "success"/"OK" (the documents type `status` only as a string) still work; the
 * cash-out returns the id of its one transfer; an unknown word is counted in
 * pasarela_provider_wire_surprises_total and logged once; refusal words with a message are still
 * refusals, and a success word without the payload is still unreadable (PROVIDER_UNAVAILABLE, the same
 * input replayable).
 */
import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createLogger } from '../../src/logging.js';
import { useTestGateway } from '../helpers/gateway.js';

const lines: Record<string, any>[] = [];
const logger = createLogger({
  level: 'warn',
  destination: new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  }),
});

const gw = useTestGateway({ logger });
beforeEach(() => gw().clearLogs());

const TOKEN = 'POST /v2/auth/token';
const CASHOUT = 'POST /v2/payment/cashout';
const BALANCE = `{ account(provider: TELEPAGOS) { balance { amount currency } } }`;
const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) {
  createCashout(input: $input) { cashout { id provider } userErrors { field message code } }
}`;

const localOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[2]!;

let seq = 0;
const input = (amount = '2.50') => ({
  referenceId: `sw-${process.pid}-${++seq}`,
  alias: 'pasarela.demo',
  cuit: '20123456786',
  amount,
  concept: 'VAR',
  description: 'Palabras de estado',
});

function fault(spec: Record<string, unknown>): void {
  gw().sandboxes.telepagos.faults.add(spec as never);
}

async function metric(kind: string, endpoint: string): Promise<number> {
  const text = await (await request(`${gw().url}/metrics`)).body.text();
  const line = text.split('\n').find((l) => l.startsWith(`pasarela_provider_wire_surprises_total{provider="TELEPAGOS",endpoint="${endpoint}",kind="${kind}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

const statusLines = () => lines.filter((l) => l.wireSurprise?.provider === 'TELEPAGOS' && l.wireSurprise.field === 'status').map((l) => l.wireSurprise);

describe('TelePagos answering success with other words', () => {
  it('a token renewed under "OK" and a balance answered "success" are read', async () => {
    await gw().query(BALANCE); // a token exists; expire it so the next call renews
    gw().sandboxes.telepagos.tokens.expireAll();
    gw().clearLogs();
    fault({ route: TOKEN, mode: 'status-word', word: 'OK' });
    fault({ route: 'GET /v2/account/balance', mode: 'status-word', word: 'success' });
    const told = await metric('coerced_type', 'POST v2/auth/token');
    const { body } = await gw().query(BALANCE);
    expect(body.errors).toBeUndefined();
    expect(body.data.account.balance.currency).toBe('ARS');
    expect(gw().sandboxes.telepagos.log.count(TOKEN)).toBe(1);
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/balance')).toBeGreaterThanOrEqual(1);
    // Another form of "ok": counted, never an unknown status.
    expect(await metric('coerced_type', 'POST v2/auth/token')).toBe(told + 1);
    expect(statusLines().filter((s) => s.kind === 'unknown_status')).toEqual([]);
  });

  it('a cash-out answered "success" returns its transfer; the same input again sends nothing twice', async () => {
    fault({ route: CASHOUT, mode: 'status-word', word: 'success' });
    const cashout = input();
    const first = await gw().query(CREATE_CASHOUT, { input: cashout });
    expect(first.body.data.createCashout.userErrors).toEqual([]);
    const transfer = gw().sandboxes.telepagos.state.cashoutsByReference.get(cashout.referenceId);
    expect(transfer).toBeDefined();
    expect(localOf(first.body.data.createCashout.cashout.id)).toBe(String(transfer!.id));

    const again = await gw().query(CREATE_CASHOUT, { input: cashout });
    expect(again.body.data.createCashout).toEqual(first.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT)).toBe(1);
    expect([...gw().sandboxes.telepagos.state.cashouts.values()].filter((c) => c.referenceId === cashout.referenceId)).toHaveLength(1);
  });

  it('an unknown word is read by the payload, counted as an unknown_status surprise each time, and logged once', async () => {
    fault({ route: CASHOUT, mode: 'status-word', word: 'procesado' });
    const before = await metric('unknown_status', 'POST v2/payment/cashout');
    for (const cashout of [input('1.10'), input('1.20')]) {
      const { body } = await gw().query(CREATE_CASHOUT, { input: cashout });
      expect(body.data.createCashout.userErrors).toEqual([]);
      expect(localOf(body.data.createCashout.cashout.id)).toBe(String(gw().sandboxes.telepagos.state.cashoutsByReference.get(cashout.referenceId)!.id));
    }
    expect(await metric('unknown_status', 'POST v2/payment/cashout')).toBe(before + 2);
    expect(statusLines().filter((s) => s.kind === 'unknown_status' && s.endpoint === 'POST v2/payment/cashout')).toEqual([
      { provider: 'TELEPAGOS', endpoint: 'POST v2/payment/cashout', kind: 'unknown_status', field: 'status', detail: 'procesado' },
    ]);
  });
});

describe('TelePagos refusals and unreadable answers, whatever the word', () => {
  it('a refusal word with a message and no payload is PROVIDER_REJECTED, and moves no money', async () => {
    const cashout = input();
    fault({ route: CASHOUT, mode: 'error-body', status: 200, body: { status: 'rejected', message: 'Saldo insuficiente' } });
    const { body } = await gw().query(CREATE_CASHOUT, { input: cashout });
    expect(body.data.createCashout.cashout).toBeNull();
    expect(body.data.createCashout.userErrors).toEqual([
      expect.objectContaining({ code: 'PROVIDER_REJECTED', message: expect.stringContaining('Saldo insuficiente') }),
    ]);
    expect(gw().sandboxes.telepagos.state.cashoutsByReference.get(cashout.referenceId)).toBeUndefined();
  });

  it('a success word without the id is OUTCOME_UNKNOWN (the transfer may have been made); the same input again gets the one transfer it made', async () => {
    const cashout = input();
    const telepagos = gw().sandboxes.telepagos;
    // The transfer is made, but its answer says "success" with no id.
    telepagos.answerRewrites.set(CASHOUT, () => ({ status: 'success' }));
    try {
      const first = await gw().query(CREATE_CASHOUT, { input: cashout });
      expect(first.body.data.createCashout.cashout).toBeNull();
      expect(first.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    } finally {
      telepagos.answerRewrites.delete(CASHOUT);
    }
    const made = telepagos.state.cashoutsByReference.get(cashout.referenceId);
    expect(made).toBeDefined();

    fault({ route: CASHOUT, mode: 'status-word', word: 'success' });
    const again = await gw().query(CREATE_CASHOUT, { input: cashout });
    expect(again.body.data.createCashout.userErrors).toEqual([]);
    expect(localOf(again.body.data.createCashout.cashout.id)).toBe(String(made!.id));
    expect([...telepagos.state.cashouts.values()].filter((c) => c.referenceId === cashout.referenceId)).toHaveLength(1);
  });
});
