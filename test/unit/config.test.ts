import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/graphql/limits.js';
import { ConfigError, DEFAULT_APQ_MAX_BYTES, loadConfig, sandboxWireOptions, withSandboxes } from '../../src/config.js';
import { startSandboxes } from '../../src/sandbox/index.js';

function error(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('defaults to the embedded sandboxes on 127.0.0.1:4000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', embedded: true, upstreamTimeoutMs: 10_000, publicUrl: 'http://localhost:4000' });
    expect(Object.keys(config.providers)).toEqual(['wire']);
    const wired = withSandboxes(config, { telepagos: 'http://127.0.0.1:1/', talo: 'http://127.0.0.1:2/', tupay: 'http://127.0.0.1:3/' });
    expect(wired.providers.telepagos?.username).toBe('pasarela');
    expect(wired.providers.tupay?.secretKey.reveal()).toBe('sandbox');
  });

  it('configures only the providers whose URL is set', () => {
    const config = loadConfig({ TUPAY_URL: 'https://merchants-api.tupayonline.com', TUPAY_ACCESS_KEY: 'a@b.c', TUPAY_SECRET_KEY: 'topsecret' });
    expect(config.embedded).toBe(false);
    expect(Object.keys(config.providers)).toEqual(['wire', 'tupay']);
    expect(JSON.stringify(config)).not.toContain('topsecret');
  });

  it('names the missing variable without echoing any secret', () => {
    const e = error({ TELEPAGOS_URL: 'https://api.telepagos.com.ar', TELEPAGOS_USERNAME: 'u' });
    expect(e.variable).toBe('TELEPAGOS_PASSWORD');
    expect(e.message).toContain('TELEPAGOS_PASSWORD');
  });

  it('refuses malformed values, naming the variable', () => {
    expect(error({ PORT: 'eighty' }).variable).toBe('PORT');
    expect(error({ UPSTREAM_TIMEOUT_MS: '0' }).variable).toBe('UPSTREAM_TIMEOUT_MS');
    expect(error({ TALO_URL: 'not a url' }).variable).toBe('TALO_URL');
    expect(error({ TALO_URL: 'ftp://x' }).variable).toBe('TALO_URL');
    const withCredentials = error({ TUPAY_URL: 'https://user:hunter22@x.test' });
    expect(withCredentials.variable).toBe('TUPAY_URL');
    expect(withCredentials.message).not.toContain('hunter22');
    expect(error({ LOG_LEVEL: 'loud' }).variable).toBe('LOG_LEVEL');
    expect(error({ REDIS_URL: 'http://x' }).variable).toBe('REDIS_URL');
    expect(error({ CORS_ORIGINS: 'https://ok.test, https://bad.test/path' }).variable).toBe('CORS_ORIGINS');
  });

  it('reads the circuit breaker settings, with their defaults', () => {
    expect(loadConfig({})).toMatchObject({ breakerWindowMs: 5_000, breakerMinCalls: 10, breakerProbeIntervalMs: 5_000 });
    const config = loadConfig({ BREAKER_WINDOW_MS: '3000', BREAKER_MIN_CALLS: '20', BREAKER_PROBE_INTERVAL_MS: '2000' });
    expect(config).toMatchObject({ breakerWindowMs: 3_000, breakerMinCalls: 20, breakerProbeIntervalMs: 2_000 });
    expect(error({ BREAKER_WINDOW_MS: '5' }).variable).toBe('BREAKER_WINDOW_MS');
    expect(error({ BREAKER_MIN_CALLS: '0' }).variable).toBe('BREAKER_MIN_CALLS');
    expect(error({ BREAKER_PROBE_INTERVAL_MS: 'soon' }).variable).toBe('BREAKER_PROBE_INTERVAL_MS');
  });

  it('reads the Redis command deadline, with its default', () => {
    expect(loadConfig({}).redisCommandTimeoutMs).toBe(500);
    expect(loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '2000' }).redisCommandTimeoutMs).toBe(2_000);
    expect(error({ REDIS_COMMAND_TIMEOUT_MS: '0' }).variable).toBe('REDIS_COMMAND_TIMEOUT_MS');
    expect(error({ REDIS_COMMAND_TIMEOUT_MS: 'fast' }).variable).toBe('REDIS_COMMAND_TIMEOUT_MS');
  });

  it('reads the APQ budget (bytes per client app), with its default', () => {
    expect(loadConfig({}).apqMaxBytes).toBe(DEFAULT_APQ_MAX_BYTES);
    expect(loadConfig({ APQ_MAX_BYTES: '2097152' }).apqMaxBytes).toBe(2_097_152);
    expect(error({ APQ_MAX_BYTES: '1000' }).variable).toBe('APQ_MAX_BYTES');
    expect(error({ APQ_MAX_BYTES: '8MB' }).variable).toBe('APQ_MAX_BYTES');
  });

  it('reads CORS origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
    ]);
  });

  it('requires real providers and webhook secrets in production', () => {
    expect(error({ NODE_ENV: 'production' }).variable).toBe('TELEPAGOS_URL');
    const real = { NODE_ENV: 'production', TELEPAGOS_URL: 'https://x.test', TELEPAGOS_USERNAME: 'u', TELEPAGOS_PASSWORD: 'p' };
    expect(error(real).variable).toBe('TELEPAGOS_WEBHOOK_SECRET');
    expect(error({ ...real, TELEPAGOS_WEBHOOK_SECRET: 'whsec' }).variable).toBe('CLIENTS_FILE');
    expect(loadConfig({ ...real, TELEPAGOS_WEBHOOK_SECRET: 'whsec', CLIENTS_FILE: '/etc/pasarela/clients.json' }).production).toBe(true);
  });

  it('reads the provider wire switches, refusing unknown forms', () => {
    expect(loadConfig({}).providers.wire).toEqual({
      telepagosAmountFormat: 'number',
      tupayReportRangeFormat: 'unix-seconds',
      telepagosTransactionsOrder: 'newest-first',
      telepagosBalanceUnit: 'pesos',
      tupayRangeUnit: 'seconds',
      tupayRangeEnd: 'inclusive',
    });
    const wire = loadConfig({
      TELEPAGOS_AMOUNT_FORMAT: 'string',
      TUPAY_REPORT_RANGE_FORMAT: 'date',
      TELEPAGOS_TRANSACTIONS_ORDER: 'oldest-first',
      TELEPAGOS_BALANCE_UNIT: 'cents',
      TUPAY_RANGE_UNIT: 'milliseconds',
      TUPAY_RANGE_END: 'exclusive',
    }).providers.wire;
    expect(wire).toEqual({
      telepagosAmountFormat: 'string',
      tupayReportRangeFormat: 'date',
      telepagosTransactionsOrder: 'oldest-first',
      telepagosBalanceUnit: 'cents',
      tupayRangeUnit: 'milliseconds',
      tupayRangeEnd: 'exclusive',
    });
    expect(error({ TELEPAGOS_AMOUNT_FORMAT: 'float' }).variable).toBe('TELEPAGOS_AMOUNT_FORMAT');
    expect(error({ TUPAY_REPORT_RANGE_FORMAT: 'iso' }).variable).toBe('TUPAY_REPORT_RANGE_FORMAT');
    for (const variable of ['TELEPAGOS_TRANSACTIONS_ORDER', 'TELEPAGOS_BALANCE_UNIT', 'TUPAY_RANGE_UNIT', 'TUPAY_RANGE_END'])
      expect(error({ [variable]: 'sideways' }).variable).toBe(variable);
    const wired = withSandboxes(loadConfig({ TELEPAGOS_AMOUNT_FORMAT: 'string' }), {
      telepagos: 'http://127.0.0.1:1/',
      talo: 'http://127.0.0.1:2/',
      tupay: 'http://127.0.0.1:3/',
    });
    expect(wired.providers.wire?.telepagosAmountFormat).toBe('string');
  });

  it('tells the embedded sandboxes to play the answers the wire settings expect, as each provider declares', async () => {
    const settings = {
      TELEPAGOS_TRANSACTIONS_ORDER: 'oldest-first',
      TELEPAGOS_BALANCE_UNIT: 'cents',
      TUPAY_RANGE_UNIT: 'milliseconds',
      TUPAY_RANGE_END: 'exclusive',
    };
    const sandboxes = await startSandboxes(sandboxWireOptions(loadConfig(settings).providers.wire!));
    try {
      const played = async (url: string) => ((await (await fetch(`${url}/_sandbox/wire`)).json()) as { wire: Record<string, string> }).wire;
      expect(await played(sandboxes.telepagos.url)).toMatchObject({ transactionsOrder: 'oldest-first', balanceUnit: 'cents' });
      expect(await played(sandboxes.tupay.url)).toMatchObject({ rangeUnit: 'milliseconds', rangeEnd: 'exclusive' });
      // The defaults play the guesses.
      expect(sandboxWireOptions(loadConfig({}).providers.wire!)).toEqual({
        telepagos: { wire: { transactionsOrder: 'newest-first', balanceUnit: 'pesos' } },
        tupay: { wire: { rangeUnit: 'seconds', rangeEnd: 'inclusive' } },
      });
    } finally {
      await sandboxes.close();
    }
  });

  it('reads the operation amount cap', () => {
    expect(loadConfig({}).maxOperationAmount).toBe('50000000');
    expect(loadConfig({ MAX_OPERATION_AMOUNT: '1000.50' }).maxOperationAmount).toBe('1000.50');
    expect(error({ MAX_OPERATION_AMOUNT: '-1' }).variable).toBe('MAX_OPERATION_AMOUNT');
    expect(error({ MAX_OPERATION_AMOUNT: '1.234' }).variable).toBe('MAX_OPERATION_AMOUNT');
  });

  it('reads the provider-call ceiling per operation (default the upstream budget)', () => {
    expect(loadConfig({}).maxProviderCallsPerOperation).toBe(LIMITS.maxUpstreamCost);
    expect(loadConfig({ MAX_PROVIDER_CALLS_PER_OPERATION: '500' }).maxProviderCallsPerOperation).toBe(500);
    expect(error({ MAX_PROVIDER_CALLS_PER_OPERATION: '0' }).variable).toBe('MAX_PROVIDER_CALLS_PER_OPERATION');
  });

  it('reads the webhook confirmation bucket (default 2 a second, bursts of 20)', () => {
    expect(loadConfig({}).webhookConfirmRate).toEqual({ perSecond: 2, burst: 20 });
    expect(loadConfig({ WEBHOOK_CONFIRM_PER_MINUTE: '30', WEBHOOK_CONFIRM_BURST: '5' }).webhookConfirmRate).toEqual({ perSecond: 0.5, burst: 5 });
    expect(error({ WEBHOOK_CONFIRM_PER_MINUTE: '0' }).variable).toBe('WEBHOOK_CONFIRM_PER_MINUTE');
    expect(error({ WEBHOOK_CONFIRM_BURST: 'lots' }).variable).toBe('WEBHOOK_CONFIRM_BURST');
  });

  it('reads the webhook lease: 30 s or three attempt timeouts by default, and always above the timeout', () => {
    expect(loadConfig({}).webhookDelivery.leaseMs).toBe(30_000);
    expect(loadConfig({ WEBHOOK_TIMEOUT_MS: '20000' }).webhookDelivery.leaseMs).toBe(60_000);
    expect(loadConfig({ WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_LEASE_MS: '3000' }).webhookDelivery.leaseMs).toBe(3_000);
    expect(error({ WEBHOOK_TIMEOUT_MS: '5000', WEBHOOK_LEASE_MS: '5000' }).message).toMatch(/WEBHOOK_LEASE_MS must be above WEBHOOK_TIMEOUT_MS/);
    expect(error({ WEBHOOK_LEASE_MS: '10' }).variable).toBe('WEBHOOK_LEASE_MS');
  });

  it('reads the watcher: first re-read after 30 s, waits up to 15 min, 60 re-reads a minute per provider', () => {
    expect(loadConfig({}).pendingPoll).toEqual({ intervalMs: 30_000, maxIntervalMs: 900_000, perMinute: 60 });
    expect(loadConfig({ PENDING_POLL_INTERVAL_MS: '100', PENDING_POLL_MAX_INTERVAL_MS: '400', PENDING_POLL_PER_MINUTE: '6' }).pendingPoll).toEqual({
      intervalMs: 100,
      maxIntervalMs: 400,
      perMinute: 6,
    });
    expect(error({ PENDING_POLL_INTERVAL_MS: 'soon' }).variable).toBe('PENDING_POLL_INTERVAL_MS');
    expect(error({ PENDING_POLL_INTERVAL_MS: '60000', PENDING_POLL_MAX_INTERVAL_MS: '1000' }).variable).toBe('PENDING_POLL_MAX_INTERVAL_MS');
    expect(error({ PENDING_POLL_PER_MINUTE: '0' }).variable).toBe('PENDING_POLL_PER_MINUTE');
  });

  it('reads the event log: kept a week, at most 100000 events, both bounded', () => {
    expect(loadConfig({}).eventLog).toEqual({ retentionMs: 168 * 3_600_000, maxLength: 100_000 });
    expect(loadConfig({ EVENT_RETENTION_HOURS: '2', EVENT_LOG_MAX_LENGTH: '500' }).eventLog).toEqual({ retentionMs: 2 * 3_600_000, maxLength: 500 });
    expect(error({ EVENT_RETENTION_HOURS: '0' }).variable).toBe('EVENT_RETENTION_HOURS');
    expect(error({ EVENT_LOG_MAX_LENGTH: 'lots' }).variable).toBe('EVENT_LOG_MAX_LENGTH');
  });

  it('reads EXPLORER: graphiql by default, off in production unless set, anything else refused', () => {
    const production = {
      NODE_ENV: 'production',
      TELEPAGOS_URL: 'https://x.test',
      TELEPAGOS_USERNAME: 'u',
      TELEPAGOS_PASSWORD: 'p',
      TELEPAGOS_WEBHOOK_SECRET: 'w',
      CLIENTS_FILE: '/c.json',
    };
    expect(loadConfig({}).explorer).toBe('graphiql');
    expect(loadConfig({ EXPLORER: 'apollo-sandbox' }).explorer).toBe('apollo-sandbox');
    expect(loadConfig({ EXPLORER: 'off' }).explorer).toBe('off');
    expect(loadConfig(production).explorer).toBe('off');
    expect(loadConfig({ ...production, EXPLORER: 'graphiql' }).explorer).toBe('graphiql');
    const refused = error({ EXPLORER: 'playground' });
    expect(refused.variable).toBe('EXPLORER');
    expect(refused.message).toBe('EXPLORER must be one of graphiql, apollo-sandbox, off');
  });
});

describe('configuration problems, all at once', () => {
  it('reports every problem in one error, each naming its variable and none echoing a value', () => {
    const e = error({
      NODE_ENV: 'production',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      TALO_URL: 'https://api.talo.example',
      TALO_CLIENT_SECRET: 'talo-secret-value',
      TUPAY_URL: 'https://user:hunter22@x.test',
      MAX_OPERATION_AMOUNT: '1.234',
    });
    expect(e.variables).toEqual([
      'PORT',
      'LOG_LEVEL',
      'TALO_USER_ID',
      'TALO_CLIENT_ID',
      'TALO_WEBHOOK_SECRET',
      'TUPAY_URL',
      'CLIENTS_FILE',
      'MAX_OPERATION_AMOUNT',
    ]);
    expect(e.variable).toBe('PORT');
    for (const variable of e.variables) expect(e.message).toContain(variable);
    for (const value of ['eighty', 'loud', 'talo-secret-value', 'hunter22', '1.234']) expect(e.message).not.toContain(value);
  });

  it('four missing production variables are four problems of one start, not four restarts', () => {
    const e = error({ NODE_ENV: 'production', TELEPAGOS_URL: 'https://api.telepagos.example' });
    expect(e.variables).toEqual(['TELEPAGOS_USERNAME', 'TELEPAGOS_PASSWORD', 'TELEPAGOS_WEBHOOK_SECRET', 'CLIENTS_FILE']);
    expect(e.problems.map((p) => p.problem)).toEqual([
      'is required when TELEPAGOS_URL is set',
      'is required when TELEPAGOS_URL is set',
      'is required in production',
      'is required in production (client apps must present API keys)',
    ]);
  });

  it('a malformed provider URL is one problem, not also "no provider URL"', () => {
    expect(error({ NODE_ENV: 'production', CLIENTS_FILE: '/etc/c.json', TALO_URL: 'not a url' }).variables).toEqual(['TALO_URL']);
  });
});
