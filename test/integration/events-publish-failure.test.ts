/**
 * The webhook pipeline when its own infrastructure fails (a shared bus or de-duplication store that is
 * down), over real HTTP on a bare Fastify app with the real pipeline and a stub provider handler:
 * the provider is answered 503 so it retries, and a failed publish is not remembered as "seen", so the
 * retry is published rather than dropped as a duplicate.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventBus, type LoggedEvent, type PaymentEventValue } from '../../src/events/bus.js';
import { MemoryEventDedupeStore } from '../../src/events/dedupe.js';
import { createLogger } from '../../src/logging.js';
import { webhookRoute, type WebhookHandler, type WebhookOutcome } from '../../src/webhooks/pipeline.js';
import { call } from '../helpers/http.js';

class FlakyBus extends MemoryEventBus {
  failures = 0;
  readonly published: PaymentEventValue[] = [];
  override async publish(event: PaymentEventValue): Promise<LoggedEvent> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('bus unreachable');
    }
    this.published.push(event);
    return super.publish(event);
  }
}

class FlakyDedupe extends MemoryEventDedupeStore {
  lookupFailures = 0;
  recordFailures = 0;
  override async lookup(object: string, state: string | undefined) {
    if (this.lookupFailures > 0) {
      this.lookupFailures--;
      throw new Error('store unreachable');
    }
    return super.lookup(object, state);
  }
  override async record(object: string, state: string, final: boolean, retentionMs: number): Promise<boolean> {
    if (this.recordFailures > 0) {
      this.recordFailures--;
      throw new Error('store unreachable');
    }
    return super.record(object, state, final, retentionMs);
  }
}

const handler: WebhookHandler<{ id: string }> = {
  provider: 'TALO',
  authenticate: () => null,
  parse: (json) => (json && typeof json === 'object' && typeof (json as { id?: unknown }).id === 'string' ? { id: (json as { id: string }).id } : null),
  notice: ({ id }) => ({ object: id }),
  confirm: async () => ({ state: 'SUCCESS', final: false, event: { type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() } }),
};

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(events: FlakyBus, dedupe: FlakyDedupe): Promise<{ url: string; outcomes: WebhookOutcome[] }> {
  const outcomes: WebhookOutcome[] = [];
  app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/hook', webhookRoute(handler, { events, dedupe, logger: createLogger({ level: 'silent' }), onOutcome: (_p, o) => outcomes.push(o) }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, outcomes };
}

describe('webhook pipeline: infrastructure failures', () => {
  it('a publish that fails → 503, and the retry is published (not taken for a duplicate), then de-duplicated', async () => {
    const events = new FlakyBus();
    const { url, outcomes } = await start(events, new FlakyDedupe());
    events.failures = 1;

    const first = await call(url, 'POST', 'hook', { body: { id: 'pay-1' } });
    expect(first.status).toBe(503);
    expect(events.published).toEqual([]);

    const retry = await call(url, 'POST', 'hook', { body: { id: 'pay-1' } });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ received: true, outcome: 'published' });
    expect(events.published).toHaveLength(1);

    const again = await call(url, 'POST', 'hook', { body: { id: 'pay-1' } });
    expect(again.body).toEqual({ received: true, outcome: 'duplicate' });
    expect(events.published).toHaveLength(1);
    expect(outcomes).toEqual(['unavailable', 'published', 'duplicate']);
  });

  for (const step of ['lookup', 'record'] as const) {
    it(`a de-duplication store that fails (${step}) → 503 and nothing published; the retry publishes once`, async () => {
      const events = new FlakyBus();
      const dedupe = new FlakyDedupe();
      const { url } = await start(events, dedupe);
      if (step === 'lookup') dedupe.lookupFailures = 1;
      else dedupe.recordFailures = 1;

      const first = await call(url, 'POST', 'hook', { body: { id: `pay-2-${step}` } });
      expect(first.status).toBe(503);
      expect(first.body).toEqual({ error: 'unavailable' });
      expect(events.published).toEqual([]);
      expect((await call(url, 'POST', 'hook', { body: { id: `pay-2-${step}` } })).body.outcome).toBe('published');
      expect((await call(url, 'POST', 'hook', { body: { id: `pay-2-${step}` } })).body.outcome).toBe('duplicate');
      expect(events.published).toHaveLength(1);
    });
  }

  it('nothing is published while the confirmation is still running', async () => {
    const events = new FlakyBus();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let confirming = false;
    const slow: WebhookHandler<{ id: string }> = {
      ...handler,
      confirm: async (body, ctx) => {
        confirming = true;
        await gate;
        return handler.confirm(body, ctx);
      },
    };
    app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.post('/hook', webhookRoute(slow, { events, dedupe: new MemoryEventDedupeStore(), logger: createLogger({ level: 'silent' }) }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

    const pending = call(url, 'POST', 'hook', { body: { id: 'pay-3' } });
    while (!confirming) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events.published).toEqual([]);
    release();
    expect((await pending).status).toBe(200);
    expect(events.published).toHaveLength(1);
  });
});
