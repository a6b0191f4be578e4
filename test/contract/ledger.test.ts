/**
 * docs/providers.md's ledger ("Every guess, and what changes it") against the code: every guess exported
 * by a provider's assumptions.ts (an export whose own doc comment says "assumption") has a line; every
 * constant a line names exists; every setting a line names is read by src/config.ts, documented on the
 * page's settings table and played by a provider test (`npm run test:variants` runs test/providers);
 * every sandbox control a line names is served, and every wire choice a sandbox plays is in a line.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TELEPAGOS_WIRE_CHOICES } from '../../src/providers/telepagos/assumptions.js';
import { TUPAY_WIRE_CHOICES } from '../../src/providers/tupay/assumptions.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROVIDERS = ['telepagos', 'talo', 'tupay'] as const;
const assumptionsFile = (provider: string) => `src/providers/${provider}/assumptions.ts`;
const LEDGER_HEADING = '## Every guess, and what changes it';
const SETTINGS_HEADING = '## Wire settings';

const read = (path: string) => readFile(join(ROOT, path), 'utf8');

interface LedgerLine {
  guess: string;
  namedIn: string;
  changes: string;
  sandbox: string;
}

/** The rows of the first Markdown table after `heading` (cells split on unescaped pipes). */
function tableAfter(page: string, heading: string): string[][] {
  const start = page.indexOf(heading);
  if (start < 0) return [];
  const lines = page.slice(start).split('\n').slice(1);
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

function ledgerLines(page: string): LedgerLine[] {
  return tableAfter(page, LEDGER_HEADING).map(([guess = '', namedIn = '', changes = '', sandbox = '']) => ({ guess, namedIn, changes, sandbox }));
}

/** Each export of a source file, with the doc comment right above it (if any). */
function exportsOf(source: string): { name: string; doc: string }[] {
  const found: { name: string; doc: string }[] = [];
  const pattern = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?^export (?:const|function|interface|type|class) (\w+)/gm;
  for (const match of source.matchAll(pattern)) found.push({ name: match[2]!, doc: match[1] ?? '' });
  return found;
}

/** The constants a "named in" cell names: each `IDENTIFIER`, with the file it lives in when the cell says (`src/….ts`). */
function namedConstants(cell: string): { name: string; file?: string }[] {
  const file = /\(`(src\/[\w/.-]+\.ts)`\)/.exec(cell)?.[1];
  return [...cell.matchAll(/`([A-Za-z_]\w*)`/g)].map((m) => ({ name: m[1]!, ...(file && { file }) }));
}

/** The settings a "what changes it" cell names: `NAME=value|value`. */
const namedSettings = (cell: string): string[] => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)=/g)].map((m) => m[1]!);

/** The control paths a sandbox cell names: `PUT /_sandbox/wire …` → `/wire`. */
const namedControls = (cell: string): string[] => [...cell.matchAll(/\/_sandbox\/([\w-]+)/g)].map((m) => `/${m[1]!}`);

let page: string;
let lines: LedgerLine[];
const exported = new Map<string, Set<string>>();

beforeAll(async () => {
  page = await read('docs/providers.md');
  lines = ledgerLines(page);
  for (const provider of PROVIDERS) exported.set(assumptionsFile(provider), new Set(exportsOf(await read(assumptionsFile(provider))).map((e) => e.name)));
});

describe('the ledger parser', () => {
  it('reads the table, escaped pipes kept inside their cell', () => {
    expect(lines.length).toBeGreaterThan(30);
    for (const line of lines) expect(line.sandbox, line.guess).not.toBe('');
    const amount = lines.find((l) => l.namedIn.includes('AMOUNT_WIRE_FORMATS'));
    expect(amount?.changes).toContain('TELEPAGOS_AMOUNT_FORMAT=number\\|string');
  });

  it('tells a guess by its doc comment, and a file by the cell naming it', () => {
    const source =
      '/** **assumption**: x. */\nexport const A = 1;\nexport const B = 2;\n/** Seed: y. */\nexport function c() {}\n/** ASSUMPTION: z */\nexport type D = 1;';
    expect(exportsOf(source)).toEqual([
      { name: 'A', doc: '/** **assumption**: x. */\n' },
      { name: 'B', doc: '' },
      { name: 'c', doc: '/** Seed: y. */\n' },
      { name: 'D', doc: '/** ASSUMPTION: z */\n' },
    ]);
    expect(namedConstants('`X`, `Y` (`src/webhooks/pipeline.ts`)')).toEqual([
      { name: 'X', file: 'src/webhooks/pipeline.ts' },
      { name: 'Y', file: 'src/webhooks/pipeline.ts' },
    ]);
    expect(namedSettings('`TUPAY_RANGE_END=inclusive\\|exclusive`; `TELEPAGOS_AMOUNT_FORMAT=number`')).toEqual(['TUPAY_RANGE_END', 'TELEPAGOS_AMOUNT_FORMAT']);
  });
});

describe('docs/providers.md ledger', () => {
  it.each(PROVIDERS)('has a line for every guess %s/assumptions.ts exports', async (provider) => {
    const named = new Set(lines.flatMap((l) => namedConstants(l.namedIn).map((c) => c.name)));
    const guesses = exportsOf(await read(assumptionsFile(provider))).filter((e) => /assumption/i.test(e.doc));
    expect(guesses.length).toBeGreaterThan(5);
    expect(guesses.map((g) => g.name).filter((name) => !named.has(name))).toEqual([]);
  });

  it('names only constants that exist (in an assumptions.ts, or in the file the line names)', async () => {
    const missing: string[] = [];
    for (const line of lines) {
      for (const { name, file } of namedConstants(line.namedIn)) {
        if (file) {
          if (!exportsOf(await read(file)).some((e) => e.name === name)) missing.push(`${name} in ${file}`);
        } else if (![...exported.values()].some((names) => names.has(name))) missing.push(name);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names only settings that src/config.ts reads, the settings table documents and a provider test plays', async () => {
    const config = await read('src/config.ts');
    const documented = new Set(tableAfter(page, SETTINGS_HEADING).flatMap(([name = '']) => [...name.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    const tests = await Promise.all(
      (await readdir(join(ROOT, 'test/providers'))).filter((f) => f.endsWith('.test.ts')).map((f) => read(`test/providers/${f}`)),
    );
    const settings = [...new Set(lines.flatMap((l) => namedSettings(l.changes)))];
    expect(settings.length).toBeGreaterThanOrEqual(6);
    const problems = settings.flatMap((name) => [
      ...(config.includes(`'${name}'`) ? [] : [`${name}: not read by src/config.ts`]),
      ...(documented.has(name) ? [] : [`${name}: not in "${SETTINGS_HEADING}"`]),
      ...(tests.some((t) => t.includes(name)) ? [] : [`${name}: no test in test/providers names it`]),
    ]);
    expect(problems).toEqual([]);
    // And the table documents no setting the ledger does not explain.
    expect([...documented].filter((name) => !settings.includes(name))).toEqual([]);
  });

  it('names only sandbox controls the sandboxes serve', async () => {
    const sources = await Promise.all(
      (await readdir(join(ROOT, 'src/sandbox'), { recursive: true })).filter((f) => f.endsWith('.ts')).map((f) => read(`src/sandbox/${f}`)),
    );
    const controls = [...new Set(lines.flatMap((l) => namedControls(l.sandbox)))];
    expect(controls).toContain('/wire');
    expect(controls.filter((path) => !sources.some((s) => s.includes(`${path}\``) || s.includes(`${path}'`) || s.includes(`${path}/`)))).toEqual([]);
  });

  it('has every wire choice a sandbox plays in the sandbox column of a line', () => {
    const choices = [...Object.keys(TELEPAGOS_WIRE_CHOICES), ...Object.keys(TUPAY_WIRE_CHOICES)];
    const cells = lines.map((l) => l.sandbox).join('\n');
    // Named as the control takes it: `PUT /_sandbox/wire {"choice":"answer"}`.
    expect(choices.filter((choice) => !cells.includes(`/_sandbox/wire {"${choice}":`))).toEqual([]);
  });
});
