/**
 * The typed Talo client: the only way the gateway talks to Talo. Every call goes through the one
 * upstream transport (timeouts, retries for GETs only, circuit breaker) with Talo's bearer token
 * (cached, renewed early, single-flight, renewed once on 401), and answers come back as domain
 * Payments through mappers.ts. Errors are ProviderErrors, safe to log and to show.
 */
import type { WireObserver } from '../wire.js';
import { wireObserver } from '../wire-surprises.js';
import { forRequest, type Logger } from '../../logging.js';
import type { Secret } from '../../secret.js';
import type { CallContext, Payment } from '../../domain/models.js';
import { authenticatedRequest, refusedWhen } from '../authenticated.js';
import { clientLogger, createTransport, credentialStore, type CommonClientOptions } from '../client-options.js';
import type { CredentialManager } from '../credentials.js';
import { ProviderError } from '../errors.js';
import type { BreakerState, UpstreamCall, UpstreamTransport } from '../http.js';
import { TALO_CREATE_PAYMENT_PATH, TALO_TOKEN_REFUSED_PATTERN, taloErrorMessage, taloPaymentPath } from './assumptions.js';
import { presentTaloToken, taloCredentials } from './auth.js';
import { toCreatePaymentBody, toPayment, unwrapEnvelope, type CreatePaymentRequest, type ResponseSource } from './mappers.js';

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

type TaloCall = Omit<UpstreamCall, 'signal' | 'requestId' | 'headers'>;

const tokenRefused = refusedWhen(TALO_TOKEN_REFUSED_PATTERN, taloErrorMessage);

export class TaloClient {
  /** The upstream transport, for readiness (breaker state) and shutdown. */
  readonly transport: UpstreamTransport;
  private readonly credentials: CredentialManager;
  private readonly logger: Logger;
  private readonly observe: WireObserver;
  private readonly userId: string;

  constructor(options: TaloClientOptions) {
    this.logger = clientLogger(PROVIDER, options);
    this.observe = wireObserver(this.logger, options.onWireSurprise);
    this.transport = createTransport(PROVIDER, options, this.logger);
    this.userId = options.userId;
    this.credentials = taloCredentials({
      transport: this.transport,
      account: { userId: options.userId, clientId: options.clientId, clientSecret: options.clientSecret },
      baseUrl: options.baseUrl,
      store: credentialStore(options),
      logger: this.logger,
      onRenewed: options.onCredentialRenewed,
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
  private async send(call: TaloCall, ctx: CallContext): Promise<Payment> {
    const source = this.source(call.endpoint, ctx);
    try {
      const response = await authenticatedRequest(this.transport, this.credentials, presentTaloToken, {
        ...call,
        requestId: ctx.requestId,
        signal: ctx.signal,
      }, tokenRefused);
      return toPayment(unwrapEnvelope(response, source), source);
    } catch (error) {
      this.logFailure(error, call.endpoint, ctx.requestId);
      throw error;
    }
  }

  private source(endpoint: string, ctx: CallContext): ResponseSource {
    return { endpoint, requestId: ctx.requestId, observe: this.observe };
  }

  /**
   * A ProviderError is logged as its toJSON (safe by design). Called explicitly: the logger's redaction
   * copies nested objects without the Error's own `message`. Anything else is logged by name only (it
   * may hold request details).
   */
  private logFailure(error: unknown, endpoint: string, requestId: string | undefined): void {
    const logger = forRequest(this.logger, requestId);
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
