/**
 * Which document an operation runs, by its client app's `documents` policy
 * (docs/graphql-clients.md, "Trusted documents"): the app's manifests, its APQ registrations (per app,
 * within APQ_MAX_BYTES: src/graphql/apq-registrations.ts), or a text to parse and validate. The
 * pipeline (src/graphql/pipeline.ts) asks it at step 3; manifests are compiled with it at start and on
 * reload.
 */
import { GraphQLError, getOperationAST, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { documentsOf, type ClientApp, type ClientRegistry, type TrustedDocument } from '../auth/clients.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../observability/metrics.js';
import { ApqRegistrations, retainedBytes } from './apq-registrations.js';
import { tooLarge } from './steps/document-size.js';
import { hashOfId, sha256Hex } from './trusted-documents.js';

export interface DocumentPolicyOptions {
  schema: GraphQLSchema;
  logger: Logger;
  metrics: Metrics;
  /** APQ_MAX_BYTES: each app's budget for its APQ registrations. */
  apqMaxBytes: number;
  /** The parser's options and every validation rule, as the pipeline parses texts. */
  parseOptions: { maxTokens: number };
  rules: readonly ValidationRule[];
}

/** A document refused before it could run: the errors to answer with. */
export type Refusal = { ok: false; errors: readonly GraphQLError[] };

/** What a request asks to run: a query text, a document id, APQ's extension (any may be absent). */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/**
 * The document a request runs, as its app's policy allows: one the gateway holds (by id, or a text that
 * is one of the app's trusted documents), or a text to parse and validate.
 */
export type Resolved = { ok: true; kind: 'document'; document: TrustedDocument } | { ok: true; kind: 'text' } | Refusal;

/** Why a document cannot be held: a sentence, and the validation errors when it did not validate. */
export interface CompileProblem {
  problem: string;
  errors?: readonly GraphQLError[];
}

/** Untrusted documents remembered as logged: a client name and a hash each, so a few hundred kB at most. */
const UNTRUSTED_LOGGED_SIZE = 1_000;

export class DocumentPolicy {
  /** Documents registered by APQ (by apps whose policy allows any document), per app, by hash. */
  private readonly registered: ApqRegistrations;
  /** Untrusted documents already logged (client and hash): each is logged once, counted every time. */
  private readonly untrustedLogged = new Set<string>();

  constructor(private readonly options: DocumentPolicyOptions) {
    this.registered = new ApqRegistrations(options.apqMaxBytes);
  }

  /** With new client apps in force: the registrations of apps that may no longer register are dropped. */
  replaceClients(next: ClientRegistry): void {
    const registering = new Set(next.apps.filter((app) => app.policy !== 'trusted-only').map((app) => app.name));
    for (const app of this.registered.keepOnly(registering)) this.options.metrics.apqRegistrations(app, undefined);
  }

  /**
   * Which document this request runs, by the app's `documents` policy.
   * - `documentId` ("sha256:<hex>"): one of the app's manifest documents, or (unless `trusted-only`) one
   *   the app registered by APQ; otherwise PERSISTED_QUERY_NOT_FOUND.
   * - APQ (`extensions.persistedQuery.sha256Hash`) without a query: the same lookup. With the query
   *   text: the text must hash to it; a known document runs, an unknown one is registered (parsed and
   *   validated first, QUERY_TOO_COMPLEX when it would hold more than its share of the app's APQ budget)
   *   unless the app is `trusted-only` (TRUSTED_DOCUMENT_REQUIRED).
   * - A query text: `trusted-only` apps may send only the exact text of one of their documents
   *   (TRUSTED_DOCUMENT_REQUIRED otherwise); `trusted-or-any` apps' other texts are counted as untrusted.
   */
  resolve(client: ClientApp, request: DocumentRequest, requestId: string): Resolved {
    const { policy, trusted } = documentsOf(client);
    const query = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    const persisted = persistedQueryOf(request.extensions);
    if (request.documentId !== undefined && request.documentId !== null) {
      if (query !== undefined || persisted) return refused(badRequest('Send either "documentId" or "query" and its extensions, not both'));
      const hash = hashOfId(request.documentId);
      if (!hash) return refused(badRequest('"documentId" must be "sha256:" followed by the 64 hex digits of the document\'s SHA-256'));
      return this.known(client, hash, trusted, policy, requestId);
    }
    if (persisted) {
      if (persisted.version !== 1) return refused(badRequest('Unsupported persisted query version: send version 1'));
      const hash = hashOfId(persisted.sha256Hash);
      if (!hash) return refused(badRequest('"extensions.persistedQuery.sha256Hash" must be 64 hex digits'));
      if (query === undefined) return this.known(client, hash, trusted, policy, requestId);
      if (sha256Hex(query) !== hash) return refused(badRequest('provided sha does not match query'));
      const document = trusted.get(hash) ?? (policy === 'trusted-only' ? undefined : this.registered.get(client.name, hash));
      if (document) return this.hit(client, document);
      if (policy === 'trusted-only') return refused(this.untrustedRefusal(client, 'cannot register documents (APQ)', requestId, hash));
      return this.register(client, query, hash, requestId);
    }
    if (policy === 'any' || query === undefined) return TEXT;
    const hash = sha256Hex(query);
    const document = trusted.get(hash);
    if (document) return this.hit(client, document);
    if (policy === 'trusted-only') return refused(this.untrustedRefusal(client, 'may only run the documents of its manifests', requestId, hash));
    this.options.metrics.untrustedDocuments.inc({ client: client.name });
    const seen = `${client.name}\u0000${hash}`;
    if (!this.untrustedLogged.has(seen) && this.untrustedLogged.size < UNTRUSTED_LOGGED_SIZE) {
      this.untrustedLogged.add(seen);
      this.options.logger.warn(
        { requestId, client: client.name, documentHash: hash },
        "untrusted document: not in the app's manifests (logged once per document)",
      );
    }
    return TEXT;
  }

  /**
   * Step 2 done once for a document that will be run by id: parsed with the token limit, validated with
   * every rule, exactly one operation. Manifests (at start and on reload) and APQ registrations use it.
   */
  compile(text: string, hash: string, source: string): TrustedDocument | CompileProblem {
    let document: DocumentNode;
    try {
      document = parse(text, this.options.parseOptions);
    } catch (error) {
      return { problem: `does not parse: ${(error as Error).message}` };
    }
    const invalid = validate(this.options.schema, document, this.options.rules);
    if (invalid.length > 0) return { problem: `is not valid: ${invalid.map((e) => e.message).join('; ')}`, errors: invalid };
    const operation = getOperationAST(document);
    if (!operation) return { problem: 'must hold exactly one operation' };
    return { id: `sha256:${hash}`, hash, text, document, operation, name: operation.name?.value, source };
  }

  private known(client: ClientApp, hash: string, trusted: ReadonlyMap<string, TrustedDocument>, policy: string, requestId: string): Resolved {
    const document = trusted.get(hash) ?? (policy === 'trusted-only' ? undefined : this.registered.get(client.name, hash));
    if (document) return this.hit(client, document);
    this.options.metrics.persistedUnknownId(client.name);
    this.options.logger.info({ requestId, client: client.name, documentId: `sha256:${hash}` }, 'unknown persisted document');
    return refused(
      new GraphQLError('PersistedQueryNotFound', {
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 200, headers: new Map([['cache-control', 'private, no-cache, must-revalidate']]) } },
      }),
    );
  }

  private hit(client: ClientApp, document: TrustedDocument): Resolved {
    this.options.metrics.persistedDocument(client.name, document, 'hit');
    return { ok: true, kind: 'document', document };
  }

  private register(client: ClientApp, query: string, hash: string, requestId: string): Resolved {
    const compiled = this.compile(query, hash, 'apq');
    if ('problem' in compiled) {
      const { errors } = compiled;
      if (errors) return { ok: false, errors: errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };
      const code = compiled.problem.startsWith('does not parse') ? 'GRAPHQL_PARSE_FAILED' : 'OPERATION_RESOLUTION_FAILURE';
      return refused(coded(code, `The document ${compiled.problem}`));
    }
    const bytes = retainedBytes(query, compiled.document);
    const usage = this.registered.set(client.name, compiled, bytes);
    if (!usage) {
      return refused(
        tooLarge(
          `The document would hold about ${bytes} bytes once registered; the limit is ${this.registered.maxDocumentBytes}. Send a smaller document, or send it as text.`,
        ),
      );
    }
    this.options.metrics.apqRegistrations(client.name, usage);
    this.options.metrics.persistedDocument(client.name, compiled, 'registered');
    this.options.logger.info({ requestId, client: client.name, documentId: compiled.id, documentName: compiled.name }, 'document registered (APQ)');
    return { ok: true, kind: 'document', document: compiled };
  }

  private untrustedRefusal(client: ClientApp, what: string, requestId: string, hash: string): GraphQLError {
    this.options.metrics.trustedRefused.inc({ client: client.name });
    this.options.logger.info({ requestId, client: client.name, documentHash: hash }, "refused: not one of the app's trusted documents");
    return new GraphQLError(
      `The client app ${client.name} ${what}: send {"documentId": "sha256:<hash>"} of a document in its manifest (docs/graphql-clients.md, "Trusted documents")`,
      { extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED', http: { status: 403 } } },
    );
  }
}

function refused(error: GraphQLError): Refusal {
  return { ok: false, errors: [error] };
}

const TEXT: Resolved = Object.freeze({ ok: true, kind: 'text' }) as Resolved;

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

/** APQ's `extensions.persistedQuery`, when the request carries one. */
function persistedQueryOf(extensions: unknown): { version?: unknown; sha256Hash?: unknown } | undefined {
  if (!extensions || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  return persisted && typeof persisted === 'object' ? (persisted as { version?: unknown; sha256Hash?: unknown }) : undefined;
}

export function coded(code: string, message: string, status?: number): GraphQLError {
  return new GraphQLError(message, { extensions: status ? { code, http: { status } } : { code } });
}

export /**
 * The error as Apollo would present it: a rule's own coded error (QUERY_TOO_COMPLEX) stays the
 * original of a wrapper carrying the request-level code, as Apollo wraps it.
 */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code === undefined)
    return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error, extensions: { code } });
}
