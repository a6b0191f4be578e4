// @ts-check
/**
 * `npm run lint`: typescript-eslint's recommended rules, unused code, import cycles, and the one
 * direction of imports between layers. CI runs it after the typecheck (.ci/run).
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

/**
 * The layers, lowest first: a layer imports only from itself and the layers below it. Here a zone
 * forbids `target` importing `from`. `src/providers/provider.ts` (the provider ids, a file with no
 * imports) counts as domain: `domain/models.ts` names the provider of a record with it.
 */
const LAYER_RULE = 'imports go one way: domain <- providers <- events, state <- modules | webhooks <- server (docs/contributing.md, House rules)';
const layers = [
  { target: './src/domain', from: './src/providers', except: ['./provider.ts'] },
  { target: './src/domain', from: ['./src/modules', './src/webhooks', './src/events', './src/graphql', './src/server.ts'] },
  { target: './src/providers', from: ['./src/modules', './src/graphql', './src/server.ts', './src/subscriptions.ts'] },
  // A provider's notification handler (<p>/webhook.ts, listed by notifiers.ts) is the webhooks layer
  // living in the provider's folder: it alone may use the generic pipeline and the event readings.
  { target: './src/providers/**/!(webhook|notifiers).ts', from: ['./src/events', './src/webhooks'] },
  { target: './src/state', from: ['./src/modules', './src/webhooks', './src/graphql', './src/server.ts', './src/subscriptions.ts'] },
  { target: './src/events', from: ['./src/modules', './src/webhooks', './src/server.ts'] },
  { target: './src/modules', from: ['./src/webhooks', './src/server.ts', './src/subscriptions.ts'] },
  { target: './src/webhooks', from: ['./src/modules', './src/server.ts', './src/subscriptions.ts'] },
  // Modules speak the capabilities' neutral requests (src/providers/capabilities.ts): of a provider's
  // folder they may read only its named guesses (assumptions.ts), never its client, mappers or adapter.
  ...['telepagos', 'talo', 'tupay'].map((provider) => ({ target: './src/modules', from: `./src/providers/${provider}`, except: ['./assumptions.ts'] })),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'bench/results/', 'src/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      // What import-x needs to follow imports through TypeScript files: without the extensions and
      // the parser, no-cycle reads only .js files and finds no cycle at all.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused code: `_`-prefixed parameters and variables are deliberately unused (a required
      // signature, a destructured field left out on purpose).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layers.map((zone) => ({ ...zone, message: LAYER_RULE })) }],
    },
  },
  {
    // Tests read loosely shaped JSON answers (`body.data.accounts[0].balance`) and poke at private
    // fields; typing each answer is noise, and a wrong shape still fails the assertion that reads it.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
