// Lint: typescript-eslint's recommended rules, `any` as an error, the domain's purity rules (no clock, no
// randomness, no I/O) enforced in src/domain, and the money rule: amounts are computed only in src/domain (the plans
// of src/domain/money, see docs/money.md), so src/app and src/adapters do no bigint arithmetic outside the read
// models named below, and cannot brand a ledger transaction themselves.
import ts from 'typescript';
import tseslint from 'typescript-eslint';

/**
 * Reports +, -, *, /, %, ** (and their assignments, and unary minus) whose result is a bigint. Type-aware: it asks the
 * compiler for the expression's type, so `a.amount - b` is caught however the operands were named.
 */
const noBigintArithmetic = {
  meta: {
    type: 'problem',
    messages: { money: 'bigint arithmetic belongs in src/domain (a money plan or a domain rule), not here' },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    const isBigint = (node) => (services.getTypeAtLocation(node).flags & ts.TypeFlags.BigIntLike) !== 0;
    const arithmetic = new Set(['+', '-', '*', '/', '%', '**']);
    return {
      BinaryExpression(node) {
        if (arithmetic.has(node.operator) && isBigint(node)) context.report({ node, messageId: 'money' });
      },
      AssignmentExpression(node) {
        if (arithmetic.has(node.operator.slice(0, -1)) && isBigint(node.left))
          context.report({ node, messageId: 'money' });
      },
      UnaryExpression(node) {
        if (node.operator === '-' && node.argument.type !== 'Literal' && isBigint(node.argument))
          context.report({ node, messageId: 'money' });
      },
    };
  },
};

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
  {
    files: ['src/app/**/*.ts', 'src/adapters/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      // Read models: they add up what the ledger and usage records already hold, for reports; they move no money.
      'src/adapters/sql/kysely-epoch-figures.ts', // an epoch's report and its reconciliation (SQL SUMs per kind)
      'src/adapters/sql/kysely-ledger-check.ts', // the reconciliation: balances against the sums of their entries
      'src/adapters/http/market/v1-routes.ts', // GET /v1/credits: the buyer's balance view (credits + holds - held)
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { money: { rules: { 'no-bigint-arithmetic': noBigintArithmetic } } },
    rules: {
      'money/no-bigint-arithmetic': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/domain/ledger/transaction.ts'],
              importNames: ['plannedTransaction', 'transfer'],
              message: 'ledger transactions are planned in src/domain/money (docs/money.md), not built here',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression > TSTypeReference > Identifier[name='PlannedTransaction']",
          message: 'a PlannedTransaction comes from a plan in src/domain/money, never from a cast',
        },
      ],
    },
  },
);
