// How every operator command ends: a refusal the command expects (the market unreachable, a running data
// directory, a damaged backup…) is one line on stderr and exit code 1; anything else is a bug and is thrown.
import type { Command } from 'commander';

/** A refusal to show the operator as it is. */
export class CliError extends Error {}

const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return ['agora', ...names].join(' ');
};

export function cliAction<Flags, Args extends unknown[]>(
  run: (flags: Flags, ...args: Args) => Promise<void>,
  isRefusal: (error: unknown) => boolean = (error) => error instanceof CliError,
) {
  return async (...input: unknown[]) => {
    const command = input.at(-1) as Command;
    try {
      await run(command.optsWithGlobals() as Flags, ...(input.slice(0, -2) as Args));
    } catch (error) {
      if (!isRefusal(error)) throw error;
      console.error(`${commandPath(command)}: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  };
}
