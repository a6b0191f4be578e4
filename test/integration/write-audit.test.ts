/**
 * The audit trail of the write API: every money-moving mutation writes exactly one structured log line
 * with the client, the operation, its reference, amount and outcome; account numbers appear masked
 * only, and neither API keys nor full CBUs/CVUs appear anywhere in the gateway's logs.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway } from '../helpers/gateway.js';
import { leakRecorder } from '../helpers/leaks.js';

const KEY = 'pk_audit_0123456789abcdef0123456789abcdef';
const clients = ClientRegistry.fromJson([
  { name: 'tesoreria', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read', 'cashin', 'cashout'] },
]);
const auth = { authorization: `Bearer ${KEY}` };

/** Every full account number the mutations below send. */
const ACCOUNTS = ['0000071000000000999993', '2850590940090418135201', '0000630500000060195375', '0000071000000000543213'];

interface AuditLine {
  client: string;
  operation: string;
  outcome: string;
  referenceId?: string;
  amount?: string;
  currency?: string;
  destination?: string;
  resultId?: string;
  provider?: string;
}

let seq = 0;
const ref = (label: string) => `au-${label}-${process.pid}-${++seq}`;

describe('audit log of the write API', () => {
  const recorder = leakRecorder();
  const gw = useTestGateway({ logger: recorder.logger, clients });
  beforeEach(() => {
    gw().clearLogs();
    recorder.lines.length = 0;
  });

  /** The audit entries logged since the last reset. */
  const audits = (): AuditLine[] =>
    recorder.lines
      .map((line) => JSON.parse(line) as { audit?: AuditLine })
      .filter((entry) => entry.audit)
      .map((entry) => entry.audit!);

  const cashout = (input: Record<string, unknown>) =>
    gw().query('mutation($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code } } }', { input }, auth);

  it('createCashout to a CBU: one line with client, operation, referenceId, amount, outcome created and the CBU masked', async () => {
    const referenceId = ref('cbu');
    const { body } = await cashout({
      referenceId,
      cbu: '2850590940090418135201',
      cuit: '30500010912',
      amount: '1200.00',
      concept: 'VAR',
      description: 'Proveedor',
    });
    expect(body.data.createCashout.userErrors).toEqual([]);
    const lines = audits();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      client: 'tesoreria',
      operation: 'createCashout',
      referenceId,
      amount: '1200.00',
      currency: 'ARS',
      outcome: 'created',
      provider: 'TELEPAGOS',
    });
    expect(line!.destination).toMatch(/5201$/);
    expect(line!.destination).not.toContain('2850590940090418135201');
    const local = Buffer.from(body.data.createCashout.cashout.id, 'base64url').toString().split(':')[2];
    expect(line!.resultId).toBe(local);
    recorder.expectNoSecrets([...ACCOUNTS, KEY]);
  });

  it('createCashout outcomes: replayed, conflict, invalid, rejected, unknown (a 503 may follow a transfer) — one line each', async () => {
    const referenceId = ref('outcomes');
    const input = { referenceId, cbu: '0000071000000000543213', cuit: '20123456786', amount: '5.00', concept: 'VAR', description: 'x' };
    await cashout(input);
    await cashout(input);
    await cashout({ ...input, amount: '6.00' });
    await cashout({ ...input, referenceId: ref('invalid'), amount: '0' });
    await cashout({ ...input, referenceId: ref('rejected'), cbu: undefined, alias: 'pasarela.demo', cuit: '30500010912' });
    gw().sandboxes.telepagos.faults.add({ route: 'POST /v2/payment/cashout', mode: 'status', status: 503 });
    await cashout({ ...input, referenceId: ref('unavailable') });
    gw().clearLogs();

    const lines = audits();
    expect(lines.map((l) => l.outcome)).toEqual(['created', 'replayed', 'conflict', 'invalid', 'rejected', 'unknown']);
    for (const line of lines) {
      expect(line).toMatchObject({ client: 'tesoreria', operation: 'createCashout' });
      expect(line.referenceId).toMatch(/^au-/);
      expect(line.amount).toMatch(/^\d+(\.\d+)?$/);
    }
    expect(lines[0]!.referenceId).toBe(referenceId);
    expect(lines[1]!.referenceId).toBe(referenceId);
    expect(lines[2]).toMatchObject({ referenceId, amount: '6.00' });
    recorder.expectNoSecrets([...ACCOUNTS, KEY]);
  });

  it('every other money-moving mutation writes one line with client, operation, amount and outcome', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const runs: [string, string, Record<string, unknown>, string][] = [
      ['createQrCharge', 'CreateQrChargeInput', { amount: '100.00', concept: 'VAR', description: 'Mesa' }, '100.00'],
      [
        'createTransferLink',
        'CreateTransferLinkInput',
        { cbu: '0000071000000000999993', cuit: '20123456786', amount: '200.00', concept: 'VAR', description: 'Cuota' },
        '200.00',
      ],
      [
        'createPaymentLink',
        'CreatePaymentLinkInput',
        { amount: '300.00', concept: 'VAR', expiresAt, multipleUse: false, distribution: [{ cbu: '0000630500000060195375', amount: '300.00' }] },
        '300.00',
      ],
      ['createSalePointQrOrder', 'CreateSalePointQrOrderInput', { salePointId: '1', amount: '400.00', concept: 'VAR', description: 'Cafe' }, '400.00'],
      [
        'createPayment',
        'CreatePaymentInput',
        { price: { amount: '500.00', currency: 'ARS' }, externalId: ref('order'), redirectUrl: 'https://shop.example/ok' },
        '500.00',
      ],
    ];
    for (const [name, type, input, amount] of runs) {
      recorder.lines.length = 0;
      const { body } = await gw().query(`mutation($input: ${type}!) { ${name}(input: $input) { userErrors { code message } } }`, { input }, auth);
      expect(body.data[name].userErrors, name).toEqual([]);
      const lines = audits();
      expect(lines, name).toHaveLength(1);
      expect(lines[0], name).toMatchObject({ client: 'tesoreria', operation: name, amount, outcome: 'created' });
      // A transfer link has no id at TelePagos; everything else names what was created.
      if (name !== 'createTransferLink') expect(lines[0]!.resultId, name).toMatch(/\S/);
      else expect(lines[0]!.destination).toBe(`${'*'.repeat(18)}9993`);
    }
    recorder.expectNoSecrets([...ACCOUNTS, KEY]);
  });

  it('createPayment logs its externalId as the reference; a refused one is audited as invalid', async () => {
    const externalId = ref('pay');
    await gw().query(
      'mutation($input: CreatePaymentInput!) { createPayment(input: $input) { userErrors { code } } }',
      { input: { price: { amount: '9.00', currency: 'USD' }, externalId, redirectUrl: 'https://shop.example/ok' } },
      auth,
    );
    expect(audits()).toEqual([expect.objectContaining({ operation: 'createPayment', referenceId: externalId, outcome: 'invalid', client: 'tesoreria' })]);
  });

  it('sale-point mutations are audited too (created, then a NOT_FOUND delete as rejected)', async () => {
    const created = await gw().query('mutation { createSalePoint(input: { name: "Audit Caja" }) { salePoint { id } } }', undefined, auth);
    await gw().query(
      'mutation($id: ID!) { deleteSalePoint(input: { id: $id }) { userErrors { code } } }',
      { id: created.body.data.createSalePoint.salePoint.id },
      auth,
    );
    await gw().query('mutation { deleteSalePoint(input: { id: "999" }) { userErrors { code } } }', undefined, auth);
    expect(audits().map((l) => [l.operation, l.outcome])).toEqual([
      ['createSalePoint', 'created'],
      ['deleteSalePoint', 'created'],
      ['deleteSalePoint', 'rejected'],
    ]);
  });

  it('a refused API key or scope writes no audit line (nothing was attempted)', async () => {
    await gw().query('mutation { createQrCharge(input: { amount: "1", concept: "VAR", description: "x" }) { qrOrderId } }', undefined, {
      authorization: 'Bearer nope-nope-nope',
    });
    expect(audits()).toEqual([]);
    recorder.expectNoSecrets([KEY]);
  });
});
