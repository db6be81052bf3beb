// One ESLint config for the repository (flat config, typescript-eslint). `pnpm lint` runs it with Prettier's check
// and knip; `npm test` runs `pnpm lint` as one task.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '**/.turbo/**',
      '**/.reports/**',
      '**/storybook-static/**',
      '.e2e-work/**',
      '**/.quickstarts/**',
      'apps/web/public/**',
      'bench/results/**',
      'bench/peers/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      // Scripts and tests run in Node; the packages and the registry run in browsers too.
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      // Unused bindings are errors, except the ones named to be ignored (`_unused`) and rest siblings used to omit.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `{}` in a conditional spread (`...(x ? {} : { x })`) and empty catch blocks that say why are intended.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // TypeScript checks names and redeclarations itself, better than these rules can.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    rules: { 'no-undef': 'off', 'no-redeclare': 'off' },
  },
  {
    // The library's own source: sizes a newcomer can read (the structure issue's limits), hooks used by the rules.
    files: ['packages/*/src/**/*.ts', 'packages/*/src/**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 150, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    // socket.io-client's types are built on `any` event maps (`Socket<any, any>` accepts every typed socket);
    // typing its helpers the same way is what lets `emitWithAck` infer a user's own event maps.
    files: ['packages/core/src/transports/socket-io.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: [
      'packages/react/src/**/*.{ts,tsx}',
      'registry/**/*.{ts,tsx}',
      'apps/web/**/*.{ts,tsx}',
      '.storybook/**/*.{ts,tsx}',
    ],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
