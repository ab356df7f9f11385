// Lint: typescript-eslint's recommended rules, `any` as an error, and the domain's purity rules (no clock, no
// randomness, no I/O) enforced in src/domain.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.cache/', '.agora/', 'dist/', 'test-output/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', 'Date', 'setTimeout', 'setInterval', 'fetch', 'process'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'pass randomness in' }],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:fs*', 'node:net', 'node:http*', 'fs', 'undici', 'fastify', 'kysely', 'pg'] },
      ],
    },
  },
);
