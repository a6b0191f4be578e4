/**
 * The alternate wire variant (src/sandbox/variant.ts): which forms it turns a documented answer into,
 * what it never touches, and its switches (option, control route, per-request header, reset).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alternateAnswer, exactNumber, sandboxVariantFromEnv } from '../../src/sandbox/variant.js';
import { TELEPAGOS_WIRE_FACTS, startTelepagosSandbox, type TelepagosState } from '../../src/sandbox/telepagos/index.js';
import { TUPAY_WIRE_FACTS } from '../../src/sandbox/tupay/index.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import { call } from '../helpers/http.js';

describe('alternateAnswer', () => {
  it('flips numbers and exact numeric strings, never an inexact one, and keeps words and booleans', () => {
    const cbu = '0000003100012345678901';
    const out = alternateAnswer(
      { status: 'ok', income: 1, amount: '1500.50', cuit: '20123456789', cvu_cbu: cbu, huge: '12345678901234567.89', flag: true },
      TELEPAGOS_WIRE_FACTS,
    ) as Record<string, unknown>;
    expect(out).toMatchObject({ status: 'ok', income: '1', amount: 1500.5, cuit: 20123456789, cvu_cbu: cbu, huge: '12345678901234567.89', flag: true });
    expect(exactNumber('007')).toBeUndefined();
    expect(exactNumber('1e3')).toBeUndefined();
  });

  it('writes documented dates as ISO 8601, alternately at the provider offset and in UTC, days keeping their date', () => {
    const rows = [{ date: '2025-06-15 10:20:30' }, { date: '2025-06-15 10:20:30' }];
    expect(alternateAnswer(rows, TELEPAGOS_WIRE_FACTS)).toMatchObject([{ date: '2025-06-15T10:20:30-03:00' }, { date: '2025-06-15T13:20:30.000Z' }]);
    const report = [{ date: '2026-01-31T00:00:00Z' }, { date: '2026-01-31T00:00:00Z' }];
    expect(alternateAnswer(report, TUPAY_WIRE_FACTS)).toMatchObject([{ date: '2026-01-31' }, { date: '2026-01-31T00:00:00+00:00' }]);
  });

  it('serves null and empty optional fields as null or leaves them out, and adds unknown fields', () => {
    const out = alternateAnswer([{ a: null }, { a: '' }], TELEPAGOS_WIRE_FACTS) as Record<string, unknown>[];
    expect(out[0]).toHaveProperty('a', null);
    expect(out[1]).not.toHaveProperty('a');
    expect(out[0]).toMatchObject(TELEPAGOS_WIRE_FACTS.extraFields);
  });

  it('reads SANDBOX_VARIANT strictly', () => {
    expect(sandboxVariantFromEnv({})).toBe('documented');
    expect(sandboxVariantFromEnv({ SANDBOX_VARIANT: 'alternate' })).toBe('alternate');
    expect(() => sandboxVariantFromEnv({ SANDBOX_VARIANT: 'weird' })).toThrow(/SANDBOX_VARIANT/);
  });
});

describe('the variant switch of a running sandbox', () => {
  let sandbox: RunningSandbox<TelepagosState>;
  beforeAll(async () => {
    sandbox = await startTelepagosSandbox({ variant: 'alternate' });
  });
  afterAll(() => sandbox.close());
  const refusal = (variant?: string) => call(sandbox.url, 'GET', 'v2/account/balance', { headers: variant ? { 'x-sandbox-variant': variant } : {} });

  it('sends a refusal with HTTP 200 in the alternate variant, with its documented status otherwise', async () => {
    const alternate = await refusal('alternate');
    expect([alternate.status, alternate.body.status]).toEqual([200, 'error']);
    expect(alternate.body).toMatchObject(TELEPAGOS_WIRE_FACTS.extraFields);
    expect((await refusal()).status).toBe(401); // the raw helper asks for the documented form
  });

  it('switches with PUT /_sandbox/variant, refuses an unknown one, and goes back to the option on reset', async () => {
    expect((await call(sandbox.url, 'PUT', '_sandbox/variant', { body: { variant: 'documented' } })).body).toEqual({ variant: 'documented' });
    expect((await call(sandbox.url, 'PUT', '_sandbox/variant', { body: { variant: 'odd' } })).status).toBe(400);
    expect(sandbox.variant).toBe('documented');
    sandbox.reset();
    expect((await call(sandbox.url, 'GET', '_sandbox/variant')).body.variant).toBe('alternate');
  });
});
