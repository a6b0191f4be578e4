/**
 * `npm run codegen`: typed client documents (TypedDocumentNode) for the example operations in
 * operations/*.graphql, against the committed schema.graphql, into src/generated/ (committed).
 * test/contract/codegen.test.ts runs this same config and fails when src/generated/ is stale.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['operations/*.graphql'],
  // A missing or empty operations/ folder is a mistake, not "nothing to do".
  ignoreNoDocuments: false,
  // ESM (NodeNext): relative imports need their .js extension.
  importExtension: '.js',
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: {
        // The example operations select fields directly; no fragment masking to unwrap.
        fragmentMasking: false,
        // persisted-documents.json: sha256 hex of each operation's printed text → that text, the
        // manifest a client app ships to the gateway (CLIENTS_FILE `manifests`); each generated
        // DocumentNode carries its hash as `__meta__.hash`.
        persistedDocuments: true,
      },
      config: {
        useTypeImports: true,
        // Our custom scalars travel as strings (Decimal is never a float); unknown scalars are an error.
        strictScalars: true,
        scalars: {
          Decimal: 'string',
          DateTimeISO: 'string',
          LocalDate: 'string',
          CUIT: 'string',
          CBU: 'string',
          Alias: 'string',
        },
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
