/**
 * Tolerant readers over HTTP: the sandboxes' real answers, with a few rows rewritten into wire forms the
 * sandboxes never write (through the sandbox test hook `answerRewrites`). A page still answers with the
 * good rows; a row that cannot be read is left out and reported as a partial error; every surprise is
 * counted in pasarela_provider_wire_surprises_total and logged once.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
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

afterEach(() => {
  gw().sandboxes.telepagos.answerRewrites.clear();
  gw().sandboxes.tupay.answerRewrites.clear();
});

const TELEPAGOS_TX = 'GET /v2/account/transactions';
const TELEPAGOS_CONCEPTS = 'GET /v2/payment/concepts';
const TUPAY_DEPOSITS = 'GET /v1/deposits';

const TRANSACTIONS = `
  query($provider: Provider!, $from: LocalDate!, $to: LocalDate!, $first: Int) {
    account(provider: $provider) {
      transactions(from: $from, to: $to, first: $first) {
        nodes { id amount { amount } createdAt status providerStatus }
      }
    }
  }
`;
const RANGE = { from: '2025-12-17', to: '2026-01-15', first: 50 };

type Node = { id: string; amount: { amount: string }; createdAt: string; status: string; providerStatus: string };
type WireTx = Record<string, unknown> & { date: string; status: string; amount: unknown };

async function nodes(provider: string): Promise<{ nodes: Node[]; errors?: { message: string; extensions?: Record<string, any> }[] }> {
  const { body } = await gw().query(TRANSACTIONS, { provider, ...RANGE });
  return { nodes: body.data?.account?.transactions?.nodes ?? [], errors: body.errors };
}

async function metric(kind: string, provider: string, endpoint: string): Promise<number> {
  const response = await request(`${gw().url}/metrics`);
  const text = await response.body.text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`pasarela_provider_wire_surprises_total{provider="${provider}",endpoint="${endpoint}",kind="${kind}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** `YYYY-MM-DD HH:MM:SS` Argentina time → the same instant as ISO 8601 in UTC. */
const argentinaToUtcIso = (text: string) => new Date(`${text.replace(' ', 'T')}-03:00`).toISOString().replace('.000Z', 'Z');

describe('TelePagos transactions with surprising rows', () => {
  it('answers the good rows, reads an ISO date, an empty and an unknown status, and skips a garbage amount with a partial error', async () => {
    const before = await nodes('TELEPAGOS');
    expect(before.errors).toBeUndefined();
    expect(before.nodes.length).toBeGreaterThanOrEqual(5);

    let rewritten: WireTx[] = [];
    gw().sandboxes.telepagos.answerRewrites.set(TELEPAGOS_TX, (body) => {
      const answer = body as { page?: number; transactions: WireTx[] };
      if (answer.page !== 1) return body;
      const rows = answer.transactions.map((row) => ({ ...row }));
      rows[0]!.date = argentinaToUtcIso(rows[0]!.date);
      rows[1]!.status = '';
      rows[2]!.status = 'En revisión';
      rows[3]!.amount = 'mil pesos';
      rows[4]!.extra_field = 'x';
      rewritten = rows;
      return { ...answer, transactions: rows };
    });
    const skippedBefore = await metric('skipped_row', 'TELEPAGOS', 'GET v2/account/transactions');
    const after = await nodes('TELEPAGOS');

    // One row left out, the rest answered (the next provider row fills the first 50).
    const ids = (list: Node[]) => list.map((n) => n.id);
    expect(ids(after.nodes).slice(0, before.nodes.length - 1)).toEqual(ids(before.nodes.filter((_, i) => i !== 3)));
    expect(ids(after.nodes)).not.toContain(before.nodes[3]!.id);
    const byId = new Map(after.nodes.map((n) => [n.id, n]));
    // The ISO date is the same instant, so the same row keeps its id and its createdAt.
    const isoRow = before.nodes.find((n) => Date.parse(n.createdAt) === Date.parse(rewritten[0]!.date))!;
    expect(byId.get(isoRow.id)).toEqual(isoRow);
    expect(after.nodes.filter((n) => n.providerStatus === '').map((n) => n.status)).toEqual(['UNKNOWN']);
    expect(after.nodes.filter((n) => n.providerStatus === 'En revisión').map((n) => n.status)).toEqual(['UNKNOWN']);

    // The skipped row is a partial error naming the row and field, never its value.
    expect(after.errors).toHaveLength(1);
    expect(after.errors![0]!.message).toContain('transactions[3].amount');
    expect(after.errors![0]!.message).not.toContain('mil pesos');
    expect(after.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TELEPAGOS', skippedRow: true });

    // Counted, and logged once per (endpoint, kind, field).
    expect(await metric('skipped_row', 'TELEPAGOS', 'GET v2/account/transactions')).toBe(skippedBefore + 1);
    expect(await metric('unknown_status', 'TELEPAGOS', 'GET v2/account/transactions')).toBeGreaterThanOrEqual(2);
    expect(await metric('coerced_type', 'TELEPAGOS', 'GET v2/account/transactions')).toBeGreaterThanOrEqual(1);
    expect(await metric('unknown_field', 'TELEPAGOS', 'GET v2/account/transactions')).toBeGreaterThanOrEqual(1);
    const surprises = lines.filter((l) => l.wireSurprise?.provider === 'TELEPAGOS').map((l) => l.wireSurprise);
    expect(surprises).toEqual(
      expect.arrayContaining([
        { provider: 'TELEPAGOS', endpoint: 'GET v2/account/transactions', kind: 'coerced_type', field: 'transactions[].date', detail: 'iso-utc' },
        { provider: 'TELEPAGOS', endpoint: 'GET v2/account/transactions', kind: 'unknown_field', field: 'transactions[].extra_field' },
        expect.objectContaining({ kind: 'skipped_row', field: 'transactions[]', detail: 'transactions[].amount is missing or not an amount' }),
      ]),
    );
    expect(JSON.stringify(surprises)).not.toContain('mil pesos');

    // The same surprises again: counted again, not logged again.
    const logged = lines.length;
    await nodes('TELEPAGOS');
    expect(await metric('skipped_row', 'TELEPAGOS', 'GET v2/account/transactions')).toBe(skippedBefore + 2);
    expect(lines.length).toBe(logged);
  });
});

describe('TelePagos reference data', () => {
  it('reads concepts whose id is a number, and a list of bare strings', async () => {
    gw().sandboxes.telepagos.answerRewrites.set(TELEPAGOS_CONCEPTS, () => ({
      status: 'ok',
      concepts: [{ id: 7, description: 'Varios' }, 'ALQ', { id: null }],
    }));
    const { body } = await gw().query('{ paymentConcepts { id description } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.paymentConcepts).toEqual([
      { id: '7', description: 'Varios' },
      { id: 'ALQ', description: 'ALQ' },
    ]);
  });
});

describe('Tupay listings', () => {
  it('reads rows and maxRows sent as strings, amounts as strings, dates without offset in Lima time', async () => {
    const before = await nodes('TUPAY');
    expect(before.errors).toBeUndefined();
    expect(before.nodes.length).toBeGreaterThan(0);
    let first: Record<string, unknown> | undefined;
    gw().sandboxes.tupay.answerRewrites.set(TUPAY_DEPOSITS, (body) => {
      const page = body as { rows: number; maxRows: number; data: Record<string, unknown>[] };
      const data = page.data.map((row, i) => {
        if (i !== 0 || first) return row;
        first = row;
        // The same instant written in Lima time without an offset, and the amount as a decimal string.
        const lima = new Date(Date.parse(row.creationDate as string) - 5 * 3_600_000).toISOString().slice(0, 19);
        return { ...row, creationDate: lima, amount: String(row.amount) };
      });
      return { ...page, rows: String(page.rows), maxRows: String(page.maxRows), data };
    });
    const after = await nodes('TUPAY');
    expect(after.errors).toBeUndefined();
    expect(after.nodes).toEqual(before.nodes);
    expect(first).toBeDefined();
    expect(await metric('coerced_type', 'TUPAY', 'GET v1/deposits')).toBeGreaterThanOrEqual(3);
  });
});
