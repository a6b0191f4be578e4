/**
 * The one executor every door's operations run on (HTTP text through Apollo's gateway hook, documents
 * by id, graphql-ws, SSE): a plan per document and operation, kept by the document's hash within a byte
 * budget, so the same query is run the same way whichever door it came through.
 *
 * - A plan starts on graphql-js; the second time its document comes back (`JIT_AFTER_RUNS`) it is
 *   compiled by graphql-jit when graphql-jit may run it (src/graphql/jit.ts: queries without
 *   introspection or abstract types), and stays on graphql-js for good otherwise. A stream of one-off
 *   documents never pays a compilation.
 * - Plans are kept by `<sha256 of the text>\0<operation name>` in one LRU cache of at most
 *   `maxBytes` (what each plan keeps alive, estimated: `planBytes`), least recently used dropped first.
 *   A compiled query holds no request state, so one plan serves every parse of the same text.
 * - Subscriptions run on graphql-js's `subscribe` (its events are executed by graphql-js too).
 * - A recorded (sampled) operation's execution is a `graphql.execute` span, and its root fields have
 *   theirs (src/graphql/traced-fields.ts), whichever door it came by.
 */
import { execute, subscribe, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.js';
import { compiled, runJit, JIT_AFTER_RUNS, type CompiledQuery } from './jit.js';
import { endPhase, executionSpan } from './traced-fields.js';

/** Default budget of the plan cache: room for a few thousand dashboards' worth of compiled code. */
export const DEFAULT_EXECUTOR_MAX_BYTES = 32 * 1024 * 1024;

/** One operation of one document to run. */
export interface Execution {
  /** SHA-256 (hex) of the document's text: the plan's key with the operation name. */
  hash: string;
  /** The text's length, for the plan's accounted size. */
  textLength: number;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
  contextValue: GatewayContext;
}

export type Engine = 'graphql-js' | 'graphql-jit';

/** Runs so far, then the compiled query (or null: graphql-js for good). */
interface Plan {
  runs: number;
  query?: CompiledQuery | null;
}

export interface ExecutorOptions {
  /** Bytes the plan cache may hold (estimated), default DEFAULT_EXECUTOR_MAX_BYTES. */
  maxBytes?: number;
  /** Runs on graphql-js before a document is compiled; default JIT_AFTER_RUNS (Infinity: never). */
  jitAfterRuns?: number;
}

/** A plan before compilation: its key and counter. After: plus the compiled code, about 4 bytes a character of its source. */
const PLAN_BYTES = 256;

export class Executor {
  private readonly plans: LRUCache<string, Plan>;
  private readonly jitAfterRuns: number;

  constructor(
    readonly schema: GraphQLSchema,
    options: ExecutorOptions = {},
  ) {
    this.plans = new LRUCache<string, Plan>({ maxSize: options.maxBytes ?? DEFAULT_EXECUTOR_MAX_BYTES, sizeCalculation: () => PLAN_BYTES });
    this.jitAfterRuns = options.jitAfterRuns ?? JIT_AFTER_RUNS;
  }

  /** A query or mutation: on its plan's engine (a recorded operation's execution has its span). */
  async execute(run: Execution): Promise<ExecutionResult> {
    const span = executionSpan(run.contextValue);
    if (!span) return this.run(run);
    try {
      const result = await this.run(run);
      endPhase(span);
      return result;
    } catch (error) {
      endPhase(span, error);
      throw error;
    }
  }

  private run(run: Execution): Promise<ExecutionResult> {
    const query = this.planFor(run);
    return query ? runJit(this.schema, query, run, () => this.graphqlJs(run)) : this.graphqlJs(run);
  }

  /** A subscription: graphql-js's `subscribe` (an async iterator of results, or the errors of its set-up). */
  subscribe(run: Execution): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
    return subscribe(this.argsOf(run)) as Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult>;
  }

  /** The engine a document's operation runs on now (undefined: not seen, or dropped from the cache). */
  engineOf(hash: string, operationName?: string | null): Engine | undefined {
    const plan = this.plans.peek(keyOf(hash, operationName));
    if (!plan) return undefined;
    return plan.query ? 'graphql-jit' : 'graphql-js';
  }

  /** The cache's accounted bytes and plans. */
  get usage(): { bytes: number; plans: number } {
    return { bytes: this.plans.calculatedSize, plans: this.plans.size };
  }

  private graphqlJs(run: Execution): Promise<ExecutionResult> {
    return Promise.resolve(execute(this.argsOf(run)));
  }

  private argsOf(run: Execution) {
    return {
      schema: this.schema,
      document: run.document,
      contextValue: run.contextValue,
      variableValues: run.variables,
      operationName: run.operationName,
    };
  }

  /** The compiled query to run, or null for graphql-js; counts the run and compiles on the one that earns it. */
  private planFor(run: Execution): CompiledQuery | null {
    const key = keyOf(run.hash, run.operationName);
    let plan = this.plans.get(key);
    if (!plan) {
      plan = { runs: 0 };
      this.plans.set(key, plan);
    }
    if (plan.query !== undefined) return plan.query;
    if (++plan.runs < this.jitAfterRuns) return null;
    plan.query = compiled(this.schema, run.document, run.operationName ?? null);
    // Accounted again with what it now keeps alive: the compiled code, and the text it was made from.
    const size = PLAN_BYTES + run.textLength * 2 + (plan.query ? String(plan.query.query).length * 4 : 0);
    this.plans.set(key, plan, { size });
    return plan.query;
  }
}

function keyOf(hash: string, operationName: string | null | undefined): string {
  return operationName ? `${hash}\u0000${operationName}` : hash;
}
