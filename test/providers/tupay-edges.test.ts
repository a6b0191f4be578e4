/**
 * Tupay at the edges of its documents, over HTTP against the sandbox: windows a second inside the
 * 60-day limit, the balance report's `from`/`to` in either plausible form, a session refused with
 * another status, and a bodiless JSON DELETE.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TUPAY_SAFE_RANGE_SECONDS, TUPAY_STRICT_RULES } from '../../src/providers/tupay/assumptions.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import type { TupayCredentials } from '../../src/sandbox/tupay/index.js';
import { call } from '../helpers/http.js';
import { DAY, NOW, ROUTES, addFault, clientFactory, startTupay, type TupaySandbox } from './tupay-fixture.js';

let sandbox: TupaySandbox;
let credentials: TupayCredentials;
const clients = clientFactory(() => ({ sandbox, credentials }));

beforeAll(async () => {
  ({ sandbox, credentials } = await startTupay());
});
afterAll(async () => {
  await clients.closeAll();
  await sandbox.close();
});
beforeEach(() => {
  sandbox.log.clear();
  sandbox.strict.clear();
});

const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY * 1000);
const spans = (route: string): number[] => (sandbox.log.list(route) as LoggedRequest[]).map(({ query }) => Number(query.to) - Number(query.from));

describe('60-day windows', () => {
  it('keep a second inside the edge, so a server refusing exactly 60 days still answers every window', async () => {
    await call(sandbox.url, 'PUT', '/_sandbox/strict', { body: { rules: [TUPAY_STRICT_RULES.rangeEdge] } });
    const client = clients.make();
    const range = { from: daysAgo(150), to: NOW };
    const [deposits, cashouts, report] = await Promise.all([client.deposits(range), client.cashouts(range), client.balanceReport(range)]);
    expect(deposits.length).toBeGreaterThan(300);
    expect(cashouts.length).toBeGreaterThan(100);
    expect(report.length).toBeGreaterThan(200);
    for (const route of [ROUTES.deposits, ROUTES.cashouts, ROUTES.report]) {
      const sent = spans(route);
      expect(sent.length).toBeGreaterThan(2);
      expect(Math.max(...sent)).toBe(TUPAY_SAFE_RANGE_SECONDS);
    }
  });
});

describe('balance report range form (TUPAY_REPORT_RANGE_FORMAT)', () => {
  it('sends YYYY-MM-DD days in the date form and reads the same report as in Unix seconds', async () => {
    const range = { from: daysAgo(100), to: NOW };
    const seconds = await clients.make().balanceReport(range);
    sandbox.log.clear();
    const dates = await clients.make({ reportRangeFormat: 'date' }).balanceReport(range);
    expect(dates).toEqual(seconds);
    const queries = (sandbox.log.list(ROUTES.report) as LoggedRequest[]).map((e) => e.query);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const query of queries) {
      expect(query.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(query.to).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect((Date.parse(String(query.to)) - Date.parse(String(query.from))) / 1000).toBeLessThan(60 * DAY);
    }
  });
});

describe('session refused with another status', () => {
  it.each([403, 200])('logs in again once when a %i answer says the session expired', async (status) => {
    const client = clients.make();
    await client.balances();
    await addFault(sandbox, {
      route: ROUTES.balance,
      mode: 'error-body',
      status,
      body: { code: 401, description: 'Session expired or invalid: log in again' },
      times: 1,
    });
    const logins = sandbox.log.count(ROUTES.login);
    expect((await client.balances()).length).toBeGreaterThan(0);
    expect(sandbox.log.count(ROUTES.login)).toBe(logins + 1);
  });

  it('does not log in again for a 403 that is not about the session (IP not whitelisted)', async () => {
    const client = clients.make();
    await client.balances();
    await addFault(sandbox, {
      route: ROUTES.balance,
      mode: 'error-body',
      status: 403,
      body: { code: 83, description: 'IP address 10.0.0.1 is not whitelisted' },
      times: 1,
    });
    const logins = sandbox.log.count(ROUTES.login);
    await expect(client.balances()).rejects.toMatchObject({ httpStatus: 403 });
    expect(sandbox.log.count(ROUTES.login)).toBe(logins);
  });
});

describe('DELETE v1/auth/session/destroy', () => {
  it('accepts content-type: application/json with no body; refuses it only under the strict rule', async () => {
    const login = await call(sandbox.url, 'POST', '/v1/auth/login', { body: credentials });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const destroy = () => call(sandbox.url, 'DELETE', '/v1/auth/session/destroy', { headers: { cookie, 'content-type': 'application/json' } });
    sandbox.strict.add(TUPAY_STRICT_RULES.emptyJsonBody);
    expect((await destroy()).status).toBe(400);
    sandbox.strict.clear();
    expect((await destroy()).status).toBe(200);
  });
});
