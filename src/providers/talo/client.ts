/**
 * The typed Talo client: the only way the gateway talks to Talo. Every call goes through the one
 * upstream transport (timeouts, retries for GETs only, circuit breaker) with Talo's bearer token
 * (cached, renewed early, single-flight, renewed once on 401), and answers come back as domain
 * Payments through mappers.ts. Errors are ProviderErrors, safe to log and to show.
 */
import { wireObserver } from '../wire-surprises.js';
import { forRequest, type Logger } from '../../logging.js';
import { traceIdOf } from '../../observability/tracing.js';
import type { Secret } from '../../secret.js';
import type { CallContext, Payment } from '../../domain/models.js';
import { refusedWhen } from '../authenticated.js';
import { providerCall, type ProviderCall, type ProviderRequest } from '../call.js';
import { clientLogger, createTransport, credentialStore, type CommonClientOptions } from '../client-options.js';
import { ProviderError } from '../errors.js';
import type { BreakerState, UpstreamTransport } from '../http.js';
import { TALO_CREATE_PAYMENT_PATH, TALO_TOKEN_REFUSED_PATTERN, taloErrorMessage, taloPaymentPath } from './assumptions.js';
import { presentTaloToken, taloCredentials } from './auth.js';
import { toCreatePaymentBody, toPayment, unwrapEnvelope, type CreatePaymentRequest } from './mappers.js';

export type { CreatePaymentRequest };

export interface TaloClientOptions extends CommonClientOptions {
  /** Talo user id: the token is asked for under it, and payments are created for it. */
  userId: string;
  clientId: string;
  clientSecret: Secret;
}

const PROVIDER = 'TALO';

/** Endpoint labels for logs, metrics and errors: never a concrete id. */
export const TALO_ENDPOINTS = {
  createPayment: 'POST payments/',
  getPayment: 'GET payments/{id}',
} as const;

/** The transport wants paths relative to the base URL. */
const relative = (path: string): string => path.replace(/^\//, '');

const tokenRefused = refusedWhen(TALO_TOKEN_REFUSED_PATTERN, taloErrorMessage);

export class TaloClient {
  /** The upstream transport, for readiness (breaker state) and shutdown. */
  readonly transport: UpstreamTransport;
  /** One authenticated call: send, unwrap `{ error, message, data }` (or throw the refusal), read `data`. */
  private readonly call: ProviderCall<unknown>;
  private readonly logger: Logger;
  private readonly userId: string;

  constructor(options: TaloClientOptions) {
    this.logger = clientLogger(PROVIDER, options);
    this.transport = createTransport(PROVIDER, options, this.logger);
    this.userId = options.userId;
    const credentials = taloCredentials({
      transport: this.transport,
      account: { userId: options.userId, clientId: options.clientId, clientSecret: options.clientSecret },
      baseUrl: options.baseUrl,
      store: credentialStore(options),
      logger: this.logger,
      onRenewed: options.onCredentialRenewed,
    });
    this.call = providerCall({
      transport: this.transport,
      credentials,
      present: presentTaloToken,
      refused: tokenRefused,
      unwrap: unwrapEnvelope,
      observe: wireObserver(this.logger, options.onWireSurprise),
    });
  }

  /** The circuit's state: `open` means Talo calls fail fast for now. */
  get breakerState(): BreakerState {
    return this.transport.breakerState;
  }

  /**
   * Creates a payment to be paid by transfer. Sent exactly once, whatever happens: Talo does not
   * de-duplicate on `externalId`, so a blind retry could make the payer see two payments. After a
   * PROVIDER_UNAVAILABLE the payment may or may not exist.
   */
  async createPayment(input: CreatePaymentRequest, ctx: CallContext = {}): Promise<Payment> {
    const endpoint = TALO_ENDPOINTS.createPayment;
    const json = toCreatePaymentBody(input, this.userId, endpoint);
    return this.send({ method: 'POST', path: relative(TALO_CREATE_PAYMENT_PATH), endpoint, json, retry: 'never' }, ctx);
  }

  /** Reads a payment (safe: retried on transport failures). */
  async getPayment(id: string, ctx: CallContext = {}): Promise<Payment> {
    const endpoint = TALO_ENDPOINTS.getPayment;
    // An empty id would read `payments/`, another resource altogether.
    if (!id.trim()) throw new ProviderError(`Cannot send ${endpoint}: the payment id is empty`, { provider: PROVIDER, reason: 'INVALID_INPUT', endpoint });
    return this.send({ method: 'GET', path: relative(taloPaymentPath(id)), endpoint }, ctx);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** One authenticated call whose answer is a payment; failures are logged once, here. */
  private async send(request: ProviderRequest, ctx: CallContext): Promise<Payment> {
    try {
      return await this.call(request, ctx, toPayment);
    } catch (error) {
      this.logFailure(error, request.endpoint, ctx.requestId, traceIdOf(ctx.trace));
      throw error;
    }
  }

  /**
   * A ProviderError is logged as its toJSON (safe by design). Called explicitly: the logger's redaction
   * copies nested objects without the Error's own `message`. Anything else is logged by name only (it
   * may hold request details).
   */
  private logFailure(error: unknown, endpoint: string, requestId: string | undefined, traceId: string | undefined): void {
    const logger = forRequest(this.logger, requestId, traceId);
    if (!(error instanceof ProviderError)) {
      logger.error({ endpoint, errorName: error instanceof Error ? error.name : typeof error }, 'talo call failed unexpectedly');
    } else if (error.reason === 'CANCELLED') {
      // The caller went away: nothing is wrong with Talo.
      logger.debug({ error: error.toJSON() }, 'talo call cancelled');
    } else {
      logger.warn({ error: error.toJSON() }, 'talo call failed');
    }
  }
}
