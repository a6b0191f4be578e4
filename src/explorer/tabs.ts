/**
 * The example operations of `operations/*.graphql`, as GraphiQL tabs ready to run: each tab's variables
 * editor holds a value for every required variable (dates span the last 30 days; ids and strings are
 * left empty for the developer to fill in).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type TypeNode } from 'graphql';

export interface ExplorerTab {
  query: string;
  variables?: string;
  headers?: string;
}

/** The repository's `operations/` folder. */
export const OPERATIONS_DIR = fileURLToPath(new URL('../../operations/', import.meta.url));

const DAY_MS = 86_400_000;

function isoDate(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);
}

/** A value to start from for a required variable, by its type (null where no sensible example exists). */
function exampleValue(name: string, type: TypeNode): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) return exampleValue(name, type.type);
  if (type.kind === Kind.LIST_TYPE) return [];
  switch (type.name.value) {
    case 'LocalDate':
      return isoDate(name === 'from' ? 30 : 0);
    case 'ID':
    case 'String':
      return '';
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    default:
      return null;
  }
}

/** The variables JSON of an operation: its required variables without a default. */
export function exampleVariables(query: string): string | undefined {
  const values: Record<string, unknown> = {};
  for (const definition of parse(query).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (variable.type.kind !== Kind.NON_NULL_TYPE || variable.defaultValue) continue;
      values[variable.variable.name.value] = exampleValue(variable.variable.name.value, variable.type);
    }
  }
  return Object.keys(values).length > 0 ? JSON.stringify(values, null, 2) : undefined;
}

/** One tab per `*.graphql` file, in file-name order; none when the folder is absent. */
export async function exampleTabs(headers: string | undefined, dir = OPERATIONS_DIR): Promise<ExplorerTab[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.graphql')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(
    names.map(async (name) => {
      const query = await readFile(join(dir, name), 'utf8');
      return { query, variables: exampleVariables(query), headers };
    }),
  );
}
