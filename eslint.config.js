// Lint is part of `npm test`. The import rules enforce the one-way arrows between folders (README, "Layout").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message: why })) }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'test/artifacts/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  layer(['properties/**'], ['**/monitor/**', '**/adapters/**', '**/instrumentation/**', '**/examples/**', 'kafkajs'], 'properties/ imports nothing of ours (README, Layout)'),
  layer(['instrumentation/**'], ['**/monitor/**', '**/adapters/**', '**/properties/**', '**/examples/**'], 'instrumentation/ imports nothing of ours but the format'),
  layer(['monitor/**'], ['**/adapters/**', '**/examples/**', 'kafkajs'], 'monitor/ knows nothing of kafkajs or the adapters (README, Layout)'),
);
