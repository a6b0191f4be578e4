/**
 * The explorer's example tabs: a few operations of `operations/*.graphql`, ready to run. Each tab's
 * variables editor holds a value for every required variable (dates span the last 30 days; ids and
 * strings are left empty for the developer to fill in).
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

/**
 * The files opened as tabs, in this order: few enough that their names fit the tab bar of a laptop
 * screen. The other examples stay in `operations/` (docs/explorer.md lists them).
 */
export const EXAMPLE_FILES = ['dashboard.graphql', 'activity.graphql', 'payment.graphql', 'reference-data.graphql'];

/**
 * Where the examples are, first found first: beside the compiled code (`dist/operations`, which
 * `npm run build` writes, so a release install has them), else the repository's `operations/` (running
 * from `src/`).
 */
export const OPERATIONS_DIRS = [fileURLToPath(new URL('../operations/', import.meta.url)), fileURLToPath(new URL('../../operations/', import.meta.url))];

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

/** The files of `names` in the first of `dirs` that exists, as tabs; none when no folder exists. */
export async function exampleTabs(headers: string | undefined, dirs = OPERATIONS_DIRS, names = EXAMPLE_FILES): Promise<ExplorerTab[]> {
  for (const dir of dirs) {
    let present: Set<string>;
    try {
      present = new Set(await readdir(dir));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const files = names.filter((name) => present.has(name));
    return Promise.all(
      files.map(async (name) => {
        const query = await readFile(join(dir, name), 'utf8');
        return { query, variables: exampleVariables(query), headers };
      }),
    );
  }
  return [];
}
