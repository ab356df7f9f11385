#!/usr/bin/env node
// `npm test`: installs the system packages the tests need when they are missing (Debian's PostgreSQL and chromium),
// bundles the console, then runs the type checks, lint, the architecture rules and the whole suite — on PGlite, and
// the database tests again on a real PostgreSQL server that test/support starts. Exits non-zero on the first failure.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';

function run(title, command, args, env = {}) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(`${root}/${v}/bin/initdb`))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? `${root}/${versions[0]}/bin` : undefined;
}

function ensurePostgres() {
  if (process.env.DATABASE_URL || postgresBinDir()) return;
  console.log('\n▶ installing PostgreSQL from Debian packages (apt-get)');
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql`, {
    stdio: 'inherit',
  });
  if (!postgresBinDir()) throw new Error('PostgreSQL is still missing after apt-get install postgresql');
}

function ensureChromium() {
  if (process.env.AGORA_CHROMIUM || existsSync('/usr/bin/chromium')) return;
  console.log("\n▶ installing chromium from Debian packages (apt-get), for the console's browser tests");
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, {
    stdio: 'inherit',
  });
  if (!existsSync('/usr/bin/chromium')) throw new Error('chromium is still missing after apt-get install chromium');
}

const totals = { passed: 0, failed: 0, skipped: 0 };
function vitest(title, args, env) {
  console.log(`\n▶ ${title}`);
  const report = `test-output/vitest-${title.replace(/\W+/g, '-')}.json`;
  mkdirSync('test-output', { recursive: true });
  const result = spawnSync(
    'npx',
    ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    {
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += json.numPassedTests;
    totals.failed += json.numFailedTests;
    totals.skipped += json.numPendingTests + json.numTodoTests;
  }
  if (result.status !== 0) {
    console.log(`${totals.passed} passed, ${Math.max(totals.failed, 1)} failed`);
    process.exit(result.status ?? 1);
  }
}

ensurePostgres();
ensureChromium();
run('console bundle', 'node', ['scripts/build-console.mjs']);
run('type check', 'npx', ['tsc', '--noEmit']);
run('type check (console)', 'npx', ['tsc', '--noEmit', '-p', 'src/console']);
run('lint', 'npx', ['eslint', '.']);
run('format (prettier --check; npx prettier --write . fixes it)', 'npx', ['prettier', '--check', '.']);
run('architecture rules', 'npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs']);
vitest('tests (embedded PGlite)', []);
// The files whose outcome depends on the database: the market's (a new one there runs on PostgreSQL too, unless it is
// added below), and the others that read or write it in SQL of their own. Left out: what a market does the same on
// either database (HTTP framing, routing, engines, metering), which the PGlite run has already proved.
const SAME_ON_EITHER_DATABASE = [
  'answer-headers',
  'bad-input',
  'completion-metering',
  'embeddings',
  'hostile-requests',
  'metering-cache',
  'openapi-coverage',
  'overload',
  'refusal-logging',
  'route-auth-matrix',
  'routing',
  'tool-calls-billed',
  'upstream-behaviour',
];
vitest(
  'database tests (PostgreSQL server)',
  [
    'test/market',
    'test/governance',
    'test/trust/disputes.test.ts',
    'test/trust/validator.test.ts',
    'test/economics/settlement.test.ts',
    'test/console/console-sessions.test.ts',
    'test/console/status-and-incidents.test.ts',
    ...SAME_ON_EITHER_DATABASE.flatMap((name) => ['--exclude', `test/market/${name}.test.ts`]),
  ],
  { AGORA_TEST_DATABASE: 'postgres' },
);
// The closing line CI reads.
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
