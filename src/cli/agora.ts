// The `agora` command line: each subcommand parses its flags and calls a composition root in src/main (or, for
// the operator's everyday commands, the running market's admin API).
import { Command } from 'commander';

// Each command's module is loaded only when that command runs: `agora start` pulls in the whole market (Fastify,
// the engines, node-llama-cpp), which an offline command such as `agora ledger check` must not wait for. Help
// (no command, or one not listed) loads them all.
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: () => import('./commands/start-command.ts').then((m) => m.startCommand()),
  host: () => import('./commands/host-command.ts').then((m) => m.hostCommand()),
  accounts: () => import('./commands/operator-commands.ts').then((m) => m.accountsCommand()),
  credits: () => import('./commands/operator-commands.ts').then((m) => m.creditsCommand()),
  keys: () => import('./commands/operator-commands.ts').then((m) => m.keysCommand()),
  hosts: () => import('./commands/operator-commands.ts').then((m) => m.hostsCommand()),
  money: () => import('./commands/operator-commands.ts').then((m) => m.moneyCommand()),
  backup: () => import('./commands/offline-commands.ts').then((m) => m.backupCommand()),
  restore: () => import('./commands/offline-commands.ts').then((m) => m.restoreCommand()),
  ledger: () => import('./commands/offline-commands.ts').then((m) => m.ledgerCommand()),
  admin: () => import('./commands/offline-commands.ts').then((m) => m.adminCommand()),
  models: () => import('./commands/models-command.ts').then((m) => m.modelsCommand()),
  sandbox: () => import('./commands/sandbox-command.ts').then((m) => m.sandboxCommand()),
  'sandbox-engine': () => import('./commands/sandbox-engine-command.ts').then((m) => m.sandboxEngineCommand()),
  validator: () => import('./commands/validator-command.ts').then((m) => m.validatorCommand()),
  verify: () => import('./commands/verify-command.ts').then((m) => m.verifyCommand()),
  sim: () => import('./commands/sim-command.ts').then((m) => m.simCommand()),
  gov: () => import('./commands/gov-command.ts').then((m) => m.govCommand()),
};

const program = new Command('agora').description('Agora — an open marketplace for AI inference');
const named = process.argv[2] === undefined ? undefined : COMMANDS[process.argv[2]];
const loaders = named ? [named] : Object.values(COMMANDS);
for (const command of await Promise.all(loaders.map((load) => load()))) program.addCommand(command);

await program.parseAsync(process.argv);
