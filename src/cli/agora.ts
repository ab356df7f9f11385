// The `agora` command line: each subcommand parses its flags and calls a composition root in src/main.
import { Command } from 'commander';
import { modelsCommand } from './commands/models-command.ts';
import { startCommand } from './commands/start-command.ts';

const program = new Command('agora').description('Agora — an open marketplace for AI inference');
program.addCommand(startCommand());
program.addCommand(modelsCommand());

await program.parseAsync(process.argv);
