/**
 * The executor's plan cache (src/graphql/executor.ts): plans by document hash, compiled on the run
 * that earns it, and held within the byte budget however many distinct documents come by.
 */
import { createHash } from 'node:crypto';
import { parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { Executor } from '../../src/graphql/executor.js';
import { buildGatewaySchema } from '../../src/schema.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

/** A document that needs nothing of its context: aliases make each text distinct. */
function run(executor: Executor, alias: string) {
  const text = `query { ${alias}: __typename }`;
  const hash = createHash('sha256').update(text).digest('hex');
  const execution = { hash, textLength: text.length, document: parse(text), contextValue: {} as GatewayContext };
  return { hash, result: executor.execute(execution) };
}

describe('the executor', () => {
  it('runs a document on graphql-js first, then on graphql-jit, with the same answer', async () => {
    const executor = new Executor(schema);
    const first = run(executor, 'a');
    expect(await first.result).toEqual({ data: { a: 'Query' } });
    expect(executor.engineOf(first.hash)).toBe('graphql-js');
    const second = run(executor, 'a');
    expect(await second.result).toEqual({ data: { a: 'Query' } });
    expect(executor.engineOf(first.hash)).toBe('graphql-jit');
  });

  it('never compiles with jitAfterRuns: Infinity', async () => {
    const executor = new Executor(schema, { jitAfterRuns: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3; i++) await run(executor, 'b').result;
    expect(executor.engineOf(run(executor, 'b').hash)).toBe('graphql-js');
  });

  it('holds its plans within the byte budget, least recently used dropped first', async () => {
    const maxBytes = 64 * 1024;
    const executor = new Executor(schema, { maxBytes });
    const hashes: string[] = [];
    for (let i = 0; i < 200; i++) {
      const { hash, result } = run(executor, `f${i}`);
      await result;
      await run(executor, `f${i}`).result; // compiled
      hashes.push(hash);
      expect(executor.usage.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(executor.usage.plans).toBeGreaterThan(0);
    expect(executor.usage.plans).toBeLessThan(200);
    expect(executor.engineOf(hashes[0]!)).toBeUndefined();
    expect(executor.engineOf(hashes.at(-1)!)).toBe('graphql-jit');
  });
});
