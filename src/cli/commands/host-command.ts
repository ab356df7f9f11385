// `agora host`: run a host agent beside the built-in engine and join a market; `agora host status`: what the market
// knows about this host (models, traffic, earnings), read with the host token kept in the host's data directory.
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readSecretFile } from '../../adapters/keys/secret-files.ts';
import { startHostAgent } from '../../main/host-agent.ts';
import { modelCacheDir } from '../../main/tiny-models.ts';
import { cliAction, CliError } from './cli-action.ts';

type HostFlags = { market: string; engine: string; dataDir: string; port: string; listen: string; announce?: string; name: string };

export function hostCommand(): Command {
  const host = new Command('host')
    .description('run a host agent: serve a model engine and join a market')
    .option('--market <url>', 'the market to join (env AGORA_MARKET_URL)', process.env.AGORA_MARKET_URL ?? 'http://127.0.0.1:8080')
    .option('--engine <engine>', "the engine to serve: 'builtin' (the built-in engine)", 'builtin')
    .option('--data-dir <dir>', 'host identity and token (env AGORA_HOST_DATA_DIR)', process.env.AGORA_HOST_DATA_DIR ?? '.agora-host')
    .option('--port <port>', 'port the engine listens on (0: any free port)', '0')
    .option('--listen <address>', 'address the engine listens on', '127.0.0.1')
    .option('--announce <url>', 'the address the market should call (default: the listening address; hosts on the internet announce https)')
    .option('--name <name>', 'a name shown to buyers and the operator', 'agora host')
    .action(async (flags: HostFlags) => {
      if (flags.engine !== 'builtin') {
        console.error(`agora host: only --engine builtin is supported so far; to sell an OpenAI-compatible engine today, the operator registers it with POST /admin/engines`);
        process.exit(2);
      }
      try {
        const agent = await startHostAgent({
          marketUrl: flags.market,
          dataDir: flags.dataDir,
          modelCacheDir: modelCacheDir(),
          listenHost: flags.listen,
          port: Number(flags.port),
          announce: flags.announce,
          name: flags.name,
          onEvent: (message) => console.error(`agora host: ${message}`),
        });
        console.log(`Host ready: ${agent.hostId} serving ${agent.admitted.join(', ')} at ${agent.url} for ${flags.market}`);
        console.log(`Identity and token: ${resolve(flags.dataDir)} (host.key, host.token). Status: agora host status --market ${flags.market}`);
        const stop = async () => {
          await agent.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      } catch (error) {
        console.error(`agora host: ${(error as Error).message.replace(/^HOST_NOT_REGISTERED: /, '')}`);
        process.exit(1);
      }
    });
  host
    .command('status')
    .description('this host as the market sees it: models, traffic, earnings (uses --market and --data-dir of `agora host`)')
    .action(
      cliAction(async (flags: HostFlags) => {
        const token = await readSecretFile(join(resolve(flags.dataDir), 'host.token'));
        if (!token) throw new CliError(`no host token in ${resolve(flags.dataDir)}; run \`agora host\` first`);
        const response = await fetch(`${flags.market.replace(/\/+$/, '')}/hosts/me`, { headers: { authorization: `Bearer ${token}` } }).catch(() => {
          throw new CliError(`cannot reach the market at ${flags.market}`);
        });
        const body: unknown = await response.json();
        if (!response.ok) throw new CliError(`${response.status}: ${(body as { error?: { message?: string } }).error?.message ?? response.statusText}`);
        console.log(JSON.stringify(body, null, 2));
      }),
    );
  return host;
}
