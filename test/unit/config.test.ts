import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, withSandboxes } from '../../src/config.js';

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
    expect(config.providers).toEqual({});
    const wired = withSandboxes(config, { telepagos: 'http://127.0.0.1:1/', talo: 'http://127.0.0.1:2/', tupay: 'http://127.0.0.1:3/' });
    expect(wired.providers.telepagos?.username).toBe('pasarela');
    expect(wired.providers.tupay?.secretKey.reveal()).toBe('sandbox');
  });

  it('configures only the providers whose URL is set', () => {
    const config = loadConfig({ TUPAY_URL: 'https://merchants-api.tupayonline.com', TUPAY_ACCESS_KEY: 'a@b.c', TUPAY_SECRET_KEY: 'topsecret' });
    expect(config.embedded).toBe(false);
    expect(Object.keys(config.providers)).toEqual(['tupay']);
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

  it('reads the operation amount cap', () => {
    expect(loadConfig({}).maxOperationAmount).toBe('50000000');
    expect(loadConfig({ MAX_OPERATION_AMOUNT: '1000.50' }).maxOperationAmount).toBe('1000.50');
    expect(error({ MAX_OPERATION_AMOUNT: '-1' }).variable).toBe('MAX_OPERATION_AMOUNT');
    expect(error({ MAX_OPERATION_AMOUNT: '1.234' }).variable).toBe('MAX_OPERATION_AMOUNT');
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
