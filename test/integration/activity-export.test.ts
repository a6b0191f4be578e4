/**
 * GET /exports/activity.csv over HTTP against the sandboxes, with API keys: the same key and `read`
 * scope as GraphQL (401, 403), parameters checked before any provider call (400), RFC 4180 rows equal to
 * the activity feed's, masked account numbers, a provider down before the first byte (503), and the
 * client leaving mid-stream cancelling the upstream walk.
 */
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const READER_KEY = 'pk_test_export_reader_0123456789';
const PAYER_KEY = 'pk_test_export_payer_0123456789';
const clients = ClientRegistry.fromJson([
  { name: 'dashboard', keySha256: sha256(READER_KEY), scopes: ['read'] },
  { name: 'checkout', keySha256: sha256(PAYER_KEY), scopes: ['cashin'] },
]);
const reader = { authorization: `Bearer ${READER_KEY}` };

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(record).toEqual([]);
  return records;
}

async function exportCsv(gw: TestGateway, query: string, headers: Record<string, string> = reader) {
  const response = await request(`${gw.url}/exports/activity.csv?${query}`, { headers });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

async function activityNodes(gw: TestGateway, variables: Record<string, unknown>): Promise<any[]> {
  const nodes: any[] = [];
  let after: string | undefined;
  for (;;) {
    const { body } = await gw.query(
      `query($from: LocalDate!, $to: LocalDate!, $timeZone: String, $filter: ActivityFilter, $after: String) {
        activity(from: $from, to: $to, timeZone: $timeZone, filter: $filter, first: 100, after: $after) {
          pageInfo { hasNextPage endCursor } nodes { id provider createdAt kind direction status providerStatus amount { amount currency } counterparty { name } } } }`,
      { ...variables, after },
      reader,
    );
    expect(body.errors).toBeUndefined();
    nodes.push(...body.data.activity.nodes);
    if (!body.data.activity.pageInfo.hasNextPage) return nodes;
    after = body.data.activity.pageInfo.endCursor;
  }
}

const providerCalls = (gw: TestGateway) =>
  gw.sandboxes.telepagos.log.count('GET /v2/account/transactions') +
  gw.sandboxes.tupay.log.count('GET /v1/deposits') +
  gw.sandboxes.tupay.log.count('GET /v1/cashout');

/** The one error of a refusal, in the GraphQL-over-HTTP shape every door answers with. */
function refusal(text: string): { message: string; extensions: Record<string, unknown> } {
  const body = JSON.parse(text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
  expect(body.errors).toHaveLength(1);
  return body.errors[0]!;
}

describe('GET /exports/activity.csv', () => {
  const gw = useTestGateway({ clients });
  beforeEach(() => gw().clearLogs());

  it('needs an API key with the read scope, like GraphQL', async () => {
    const none = await exportCsv(gw(), 'from=2026-01-10&to=2026-01-15', {});
    expect(none.status).toBe(401);
    expect(refusal(none.text)).toMatchObject({ extensions: { code: 'UNAUTHENTICATED', requestId: expect.any(String) } });
    const unknown = await exportCsv(gw(), 'from=2026-01-10&to=2026-01-15', { authorization: 'Bearer pk_nope_0123456789' });
    expect(unknown.status).toBe(401);
    const payer = await exportCsv(gw(), 'from=2026-01-10&to=2026-01-15', { authorization: `Bearer ${PAYER_KEY}` });
    expect(payer.status).toBe(403);
    expect(refusal(payer.text)).toMatchObject({ extensions: { code: 'FORBIDDEN', requestId: expect.any(String) } });
    expect(payer.text).not.toContain(PAYER_KEY);
    expect(providerCalls(gw())).toBe(0);
  });

  it('answers 400 with a clear JSON error for a bad parameter, and asks no provider', async () => {
    const cases: [string, string][] = [
      ['to=2026-01-15', 'from'],
      ['from=2026-01-10&to=2026-02-30', 'to'],
      ['from=2026-01-15&to=2026-01-10', 'from'],
      ['from=2026-01-10&to=2026-01-15&timeZone=Mars/Olympus', 'timeZone'],
      ['from=2026-01-10&to=2026-01-15&direction=SIDEWAYS', 'direction'],
      ['from=2026-01-10&to=2026-01-15&kinds=DEPOSIT,REFUND', 'kinds'],
      ['from=2026-01-10&to=2026-01-15&minAmount=1e5', 'minAmount'],
      ['from=2026-01-10&to=2026-01-15&minAmount=10&maxAmount=5', 'filter'],
      ['from=2026-01-10&to=2026-01-15&from=2026-01-11', 'from'],
      ['from=2026-01-10&to=2026-01-15&colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const answer = await exportCsv(gw(), query);
      expect(answer.status, query).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      const error = refusal(answer.text);
      expect(error, query).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field, requestId: expect.any(String) } });
      expect(error.message.length).toBeGreaterThan(5);
    }
    expect(providerCalls(gw())).toBe(0);
  });

  it('streams every row of the feed as RFC 4180 CSV with a header row, exact amounts and a file name', async () => {
    const { telepagos } = gw().sandboxes;
    // Text that needs quoting, and text a spreadsheet would run as a formula.
    await request(`${telepagos.url}/_sandbox/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ at: '2026-01-12T18:00:00Z', amount: '1234.56', holder: 'Perez, "El Gaucho"\nSA' }),
    }).then((r) => r.body.text());
    await request(`${telepagos.url}/_sandbox/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ at: '2026-01-12T18:00:01Z', amount: '10.00', holder: '=HYPERLINK("http://evil")' }),
    }).then((r) => r.body.text());

    const variables = { from: '2025-12-01', to: '2026-01-15', timeZone: 'America/Lima', filter: { statuses: ['COMPLETED', 'PENDING'] } };
    const expected = await activityNodes(gw(), variables);
    const answer = await exportCsv(gw(), 'from=2025-12-01&to=2026-01-15&timeZone=America/Lima&statuses=COMPLETED,PENDING');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="activity-2025-12-01-2026-01-15.csv"');
    expect(answer.text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(answer.text);
    expect(header).toEqual([
      'id',
      'provider',
      'provider_id',
      'created_at',
      'local_date',
      'kind',
      'direction',
      'amount',
      'currency',
      'status',
      'provider_status',
      'operation',
      'counterparty_name',
      'counterparty_document',
      'counterparty_cuit',
      'counterparty_cbu',
    ]);
    expect(rows.length).toBe(expected.length);
    expect(rows.length).toBeGreaterThan(300);
    const column = (name: string) => header!.indexOf(name);
    rows.forEach((row, i) => {
      const node = expected[i];
      expect(row.length).toBe(header!.length);
      expect(row[column('id')]).toBe(node.id);
      expect(row[column('provider')]).toBe(node.provider);
      expect(row[column('created_at')]).toBe(node.createdAt);
      expect(row[column('amount')]).toBe(node.amount.amount);
      expect(row[column('currency')]).toBe(node.amount.currency);
      expect(row[column('status')]).toBe(node.status);
      // local_date is the day in the export's time zone (Lima, UTC−5).
      expect(row[column('local_date')]).toBe(new Date(Date.parse(node.createdAt) - 5 * 3_600_000).toISOString().slice(0, 10));
      expect(row[column('amount')]).toMatch(/^\d+\.\d{2,}$/);
      for (const name of ['counterparty_cuit', 'counterparty_cbu']) expect(row[column(name)]).toMatch(/^(\*+\d{4})?$/);
    });
    const quoted = rows.find((row) => row[column('amount')] === '1234.56')!;
    expect(quoted[column('counterparty_name')]).toBe('Perez, "El Gaucho"\nSA');
    expect(answer.text).toContain('"Perez, ""El Gaucho""\nSA"');
    const formula = rows.find((row) => row[column('amount')] === '10.00' && row[column('created_at')] === '2026-01-12T18:00:01.000Z')!;
    expect(formula[column('counterparty_name')]).toBe(`'=HYPERLINK("http://evil")`);
  });

  it('a provider down before the first byte: a 503 naming it, no CSV', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/transactions', mode: 'status', status: 503 });
    const answer = await exportCsv(gw(), 'from=2026-01-10&to=2026-01-15');
    gw().sandboxes.telepagos.faults.clear();
    expect(answer.status).toBe(503);
    expect(refusal(answer.text)).toMatchObject({ extensions: { code: 'PROVIDER_UNAVAILABLE', provider: 'TELEPAGOS', requestId: expect.any(String) } });
  });

  it('a provider failing after the first bytes cuts the response off, so a truncated file never passes for complete', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/transactions', mode: 'latency', latencyMs: 100 });
    const response = await request(`${gw().url}/exports/activity.csv?from=2025-07-20&to=2026-01-15`, { headers: reader });
    expect(response.statusCode).toBe(200);
    let text = '';
    let failed: unknown;
    try {
      for await (const chunk of response.body) {
        text += chunk.toString('utf8');
        // Once rows are flowing, TelePagos goes down for good.
        if (
          text.length > 0 &&
          gw()
            .sandboxes.telepagos.faults.list()
            .every((f) => f.mode !== 'status')
        ) {
          gw().sandboxes.telepagos.faults.clear();
          gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/transactions', mode: 'status', status: 503 });
        }
      }
    } catch (error) {
      failed = error;
    }
    gw().sandboxes.telepagos.faults.clear();
    expect(failed, 'the body must end in an error, not a clean end').toBeDefined();
    expect(text.startsWith('id,provider,')).toBe(true);
    expect(text.split('\r\n').length).toBeGreaterThan(2);
  });

  it('the client leaving mid-stream cancels the upstream walk', async () => {
    // Every TelePagos page takes 150 ms: the whole half-year would take seconds.
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/transactions', mode: 'latency', latencyMs: 150 });
    const url = `${gw().url}/exports/activity.csv?from=2025-07-20&to=2026-01-15`;
    const received = await new Promise<string>((resolve, reject) => {
      const req = get(url, { headers: reader }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (text.split('\r\n').length > 20) {
            req.destroy();
            resolve(text);
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', (error) => (error.message.includes('socket hang up') || error.message.includes('aborted') ? undefined : reject(error)));
    });
    expect(received.startsWith('id,provider,')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const atLeave = providerCalls(gw());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const later = providerCalls(gw());
    gw().sandboxes.telepagos.faults.clear();
    // Nothing more was asked once the client had left; going on would have asked for tens more pages.
    expect(later - atLeave).toBe(0);
    // And the provider call in flight when it left was cancelled, not waited for.
    const metrics = await (await request(`${gw().url}/metrics`)).body.text();
    expect(metrics).toMatch(/pasarela_upstream_calls_total\{provider="(TELEPAGOS|TUPAY)",endpoint="GET [^"]+",outcome="cancelled"\} [1-9]/);
    const pages = Math.ceil(Number(((await (await request(`${gw().sandboxes.telepagos.url}/_sandbox/state/summary`)).body.json()) as any).transactions) / 15);
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/transactions')).toBeLessThan(pages / 2);
  });
});
