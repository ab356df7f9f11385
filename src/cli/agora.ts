// The `agora` command line: each subcommand parses its flags and calls a composition root in src/main (or, for
// the operator's everyday commands, the running market's admin API).
import { Command } from 'commander';
import { hostCommand } from './commands/host-command.ts';
import { modelsCommand } from './commands/models-command.ts';
import { adminCommand, backupCommand, ledgerCommand, restoreCommand } from './commands/offline-commands.ts';
import { accountsCommand, creditsCommand, hostsCommand, keysCommand, moneyCommand } from './commands/operator-commands.ts';
import { sandboxCommand } from './commands/sandbox-command.ts';
import { simCommand } from './commands/sim-command.ts';
import { startCommand } from './commands/start-command.ts';
import { validatorCommand } from './commands/validator-command.ts';

const program = new Command('agora').description('Agora — an open marketplace for AI inference');
for (const command of [startCommand(), hostCommand(), accountsCommand(), creditsCommand(), keysCommand(), hostsCommand(), moneyCommand(), backupCommand(), restoreCommand(), ledgerCommand(), adminCommand(), modelsCommand(), sandboxCommand(), validatorCommand(), simCommand()]) {
  program.addCommand(command);
}

await program.parseAsync(process.argv);
