// `agora sandbox-engine`: the broken engine of `agora sandbox --scenario format-failures` as its own process — the
// built-in model over the OpenAI wire with a share of its tool calls broken. Prints its address once it listens.
import { Command, InvalidArgumentError } from 'commander';
import { startBrokenToolsEngine } from '../../main/broken-tools-engine.ts';
import { modelCacheDir } from '../../main/tiny-models.ts';

const share = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('--broken-share is a number from 0 to 1');
  return n;
};

export function sandboxEngineCommand(): Command {
  return new Command('sandbox-engine')
    .description(
      'for the format-failures sandbox: an OpenAI-compatible engine (the built-in model) that breaks a share of its tool calls',
    )
    .option('--broken-share <share>', 'the share of answers with tool calls that are broken (0 to 1)', share, 0.6)
    .option('--port <port>', 'port to listen on (0: any free port)', '0')
    .option('--listen <address>', 'address to listen on', '127.0.0.1')
    .action(async (flags: { brokenShare: number; port: string; listen: string }) => {
      const engine = await startBrokenToolsEngine({
        modelCacheDir: modelCacheDir(),
        brokenShare: flags.brokenShare,
        host: flags.listen,
        port: Number(flags.port),
      });
      console.log(`Engine ready: ${engine.url} (breaks ${flags.brokenShare * 100} % of tool-calling answers)`);
      const stop = async () => {
        await engine.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
