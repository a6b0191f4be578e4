/**
 * The schema clients see: the committed schema.graphql is what the code prints, it contains the public
 * contract (docs/contract/schema.graphql) with no breaking change, and it keeps the
 * contract's documentation (shown in Apollo Sandbox).
 */
import { readFile } from 'node:fs/promises';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printGatewaySchema } from '../../src/schema.js';

const REPO = new URL('../../', import.meta.url);
const SCHEMA_FILE = new URL('schema.graphql', REPO);
/** The public GraphQL contract, kept in the repository (docs/contract/README.md says what it promises). */
const CONTRACT_FILE = new URL('docs/contract/schema.graphql', REPO);

const load = async (file: URL): Promise<GraphQLSchema> => buildSchema(await readFile(file, 'utf8'));

/** Every documentable member of a named type: fields (with their arguments) and enum values. */
function members(type: GraphQLNamedType): Map<string, string | null | undefined> {
  const out = new Map<string, string | null | undefined>();
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      out.set(field.name, field.description);
      for (const arg of field.args) out.set(`${field.name}(${arg.name}:)`, arg.description);
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) out.set(field.name, field.description);
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) out.set(value.name, value.description);
  }
  return out;
}

describe('schema.graphql', () => {
  it('is what the code prints now', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    const printed = await printGatewaySchema();
    expect(committed, 'schema.graphql is stale: run `npm run schema:emit` and commit it').toBe(printed);
  });

  it('has no breaking change against the public contract', async () => {
    const changes = await diff(await load(CONTRACT_FILE), await load(SCHEMA_FILE));
    const breaking = changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking);
    const report = breaking.map((change) => `${change.type}${change.path ? ` at ${change.path}` : ''}: ${change.message}`);
    expect(report, `schema.graphql breaks docs/contract/schema.graphql in ${report.length} ways`).toEqual([]);
  });

  it('keeps every description the contract gives, for types and fields it shares with it', async () => {
    const contract = await load(CONTRACT_FILE);
    const ours = await load(SCHEMA_FILE);
    const missing: string[] = [];
    let checked = 0;
    for (const type of Object.values(contract.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const mine = ours.getType(type.name);
      if (!mine) continue; // a missing type is the contract diff's business
      if (type.description) {
        checked += 1;
        if (!mine.description?.trim()) missing.push(type.name);
      }
      const theirs = members(type);
      const ourMembers = members(mine);
      for (const [name, description] of theirs) {
        if (!description || !ourMembers.has(name)) continue;
        checked += 1;
        if (!ourMembers.get(name)?.trim()) missing.push(`${type.name}.${name}`);
      }
    }
    // The contract documents plenty of what we already serve; an empty check would prove nothing.
    expect(checked).toBeGreaterThan(20);
    expect(missing, `undocumented in schema.graphql though documented in the contract:\n  ${missing.join('\n  ')}`).toEqual([]);
  });
});
