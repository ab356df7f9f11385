// `agora host`: run a host agent beside the built-in engine, or in front of an OpenAI-compatible one, and join a
// market; `agora host status` and `agora host maintenance`: this host as the market sees it, with the host token
// kept in the host's data directory.
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readSecretFile } from '../../adapters/keys/secret-files.ts';
import { startHostAgent, type HostEngine } from '../../main/host-agent.ts';
import { modelCacheDir } from '../../main/tiny-models.ts';
import { cliAction, CliError } from './cli-action.ts';
import { locateMarket } from '../../main/market-url-file.ts';
import type { MarketClient } from '../../sdk/market-client.ts';
import { callMarket, DEFAULT_MARKET_URL, table } from './market-admin-client.ts';

type HostFlags = {
  market?: string;
  marketDataDir: string;
  engine: string;
  engineKey?: string;
  models?: string;
  maxConcurrency: string;
  hardwareClass?: string;
  dataDir: string;
  port: string;
  listen: string;
  announce?: string;
  name?: string;
};

function hostEngine(flags: HostFlags): HostEngine {
  if (flags.engine === 'builtin') return { kind: 'builtin' };
  if (!URL.canParse(flags.engine) || !/^https?:$/.test(new URL(flags.engine).protocol)) {
    throw new CliError(
      `--engine is 'builtin' or the http(s) URL of an OpenAI-compatible engine, not '${flags.engine}'`,
    );
  }
  const models = flags.models
    ?.split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  return { kind: 'openai-compatible', url: flags.engine, key: flags.engineKey, models };
}

const RELATIVE = /^\+(\d+)(s|m|h)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** An ISO time, or an offset from now such as +10m. */
export function parseWhen(text: string, nowMs: number): string {
  const relative = RELATIVE.exec(text);
  const ms = relative ? nowMs + Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS] : Date.parse(text);
  if (Number.isNaN(ms))
    throw new CliError(
      `'${text}' is not a time: use an ISO time such as 2026-11-23T22:00:00Z, or +10m / +2h / +30s from now`,
    );
  return new Date(ms).toISOString();
}

/** Calls the market's /hosts API with the host token kept in the host's data directory. */
async function callMarketAsHost<T>(flags: HostFlags, call: (hosts: MarketClient['hosts']) => Promise<T>): Promise<T> {
  const token = await readSecretFile(join(resolve(flags.dataDir), 'host.token'));
  if (!token) throw new CliError(`no host token in ${resolve(flags.dataDir)}; run \`agora host\` first`);
  return callMarket(await locateMarket(flags.market, flags.marketDataDir, DEFAULT_MARKET_URL), token, (client) =>
    call(client.hosts),
  );
}

export function hostCommand(): Command {
  const host = new Command('host')
    .description('run a host agent: serve a model engine and join a market')
    .option(
      '--market <url>',
      `the market to join (env AGORA_MARKET_URL; default: the address \`agora start\` left in <market-data-dir>/market.url, else ${DEFAULT_MARKET_URL})`,
      process.env.AGORA_MARKET_URL,
    )
    .option(
      '--market-data-dir <dir>',
      'the data directory of a market started on this machine, to find its address (env AGORA_DATA_DIR)',
      process.env.AGORA_DATA_DIR ?? '.agora',
    )
    .option(
      '--engine <engine>',
      "'builtin' (the built-in engine) or the URL of an OpenAI-compatible engine (llama.cpp server, vLLM, Ollama)",
      'builtin',
    )
    .option(
      '--engine-key <key>',
      "the engine's own API key, if it has one (env AGORA_ENGINE_KEY)",
      process.env.AGORA_ENGINE_KEY,
    )
    .option(
      '--models <ids>',
      "with --engine <url>: which of the engine's models to sell, comma-separated (default: every one the market sells)",
    )
    .option('--max-concurrency <n>', 'requests the engine serves at once', '4')
    .option(
      '--hardware-class <class>',
      'what the engine runs on (cpu, gpu, …): the market judges answers by the profile calibrated for it, once a probe of its speed agrees (docs/verification.md)',
    )
    .option(
      '--data-dir <dir>',
      'host identity and token (env AGORA_HOST_DATA_DIR)',
      process.env.AGORA_HOST_DATA_DIR ?? '.agora-host',
    )
    .option('--port <port>', 'port the engine listens on (0: any free port)', '0')
    .option('--listen <address>', 'address the engine listens on', '127.0.0.1')
    .option(
      '--announce <url>',
      'the address the market should call (default: the listening address; hosts on the internet announce https)',
    )
    .option('--name <name>', 'a name shown to buyers and the operator (default: host and the start of its public key)')
    .action(async (flags: HostFlags) => {
      const maxConcurrency = Number(flags.maxConcurrency);
      if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
        console.error(`agora host: --max-concurrency is a whole number of at least 1, not '${flags.maxConcurrency}'`);
        process.exit(2);
      }
      const market = await locateMarket(flags.market, flags.marketDataDir, DEFAULT_MARKET_URL);
      try {
        const agent = await startHostAgent({
          marketUrl: market.url,
          engine: hostEngine(flags),
          maxConcurrency,
          hardwareClass: flags.hardwareClass,
          dataDir: flags.dataDir,
          modelCacheDir: modelCacheDir(),
          listenHost: flags.listen,
          port: Number(flags.port),
          announce: flags.announce,
          name: flags.name,
          onEvent: (message) => console.error(`agora host: ${message}`),
        });
        if (agent.status === 'pending')
          console.log(
            `Host registered: ${agent.hostId} at ${agent.url}, waiting for the operator's approval (agora hosts approve ${agent.hostId})`,
          );
        else
          console.log(
            `Host ready: ${agent.hostId} serving ${agent.admitted.join(', ')} at ${agent.url} for ${market.url}`,
          );
        console.log(
          `Identity and token: ${resolve(flags.dataDir)} (host.key, host.token). Status: agora host status --market ${market.url} --data-dir ${resolve(flags.dataDir)}`,
        );
        const stop = async () => {
          await agent.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      } catch (error) {
        // A market.url left by a killed market names an address nothing answers: say where the address came from.
        console.error(
          `agora host: ${(error as Error).message.replace(/^HOST_NOT_REGISTERED: /, '')}${market.file ? ` (the address is from ${market.file})` : ''}`,
        );
        process.exit(1);
      }
    });
  host
    .command('status')
    .description(
      'this host as the market sees it: models, traffic, earnings, misses, strikes, maintenance, probed capacity (uses --market and --data-dir of `agora host`)',
    )
    .action(
      cliAction(async (flags: HostFlags) => {
        console.log(JSON.stringify(await callMarketAsHost(flags, (hosts) => hosts.me()), null, 2));
      }),
    );
  host
    .command('checks')
    .description(
      "this host's verification checks and convictions, with the evidence (digests, distances, the reference)",
    )
    .action(
      cliAction(async (flags: HostFlags) => {
        console.log(JSON.stringify(await callMarketAsHost(flags, (hosts) => hosts.checks()), null, 2));
      }),
    );
  host
    .command('appeal <conviction>')
    .description('appeal a conviction; the operator decides')
    .requiredOption('--reason <text>', 'why the conviction is wrong')
    .action(
      cliAction(async (flags: HostFlags & { reason: string }, conviction: string) => {
        const appeal = await callMarketAsHost(flags, (hosts) =>
          hosts.appeal({ body: { conviction_id: conviction, reason: flags.reason } }),
        );
        console.log(`Appeal ${appeal.id} filed: ${appeal.status}`);
      }),
    );
  host
    .command('funds')
    .description('held-back earnings, payable balance, bond, unbonding and pending payouts')
    .action(
      cliAction(async (flags: HostFlags) => {
        console.log(JSON.stringify(await callMarketAsHost(flags, (hosts) => hosts.funds()), null, 2));
      }),
    );
  host
    .command('payout')
    .description('ask for a payout of the payable balance (all of it unless --amount)')
    .option('--amount <amount>', 'decimal amount')
    .action(
      cliAction(async (flags: HostFlags & { amount?: string }) => {
        const payout = await callMarketAsHost(flags, (hosts) =>
          hosts.requestPayout({ body: flags.amount ? { amount: flags.amount } : {} }),
        );
        console.log(`Payout ${payout.id} of ${payout.amount} ${payout.status}; the operator confirms it when paid.`);
      }),
    );
  host
    .command('bond <amount>')
    .description('bond part of the payable balance: a larger share of traffic, slashed on a conviction')
    .action(
      cliAction(async (flags: HostFlags, amount: string) => {
        const bonded = await callMarketAsHost(flags, (hosts) => hosts.bond({ body: { amount } }));
        console.log(`Bond now ${bonded.bond}`);
      }),
    );
  const maintenance = host
    .command('maintenance')
    .description("declare, list or cancel this host's maintenance windows (no penalty inside an accepted window)");
  maintenance
    .command('add')
    .description('declare a window; the market drains the host 30 s before it starts and takes it back after it ends')
    .requiredOption('--from <time>', 'start: an ISO time (2026-11-23T22:00:00Z) or from now (+10m, +2h)')
    .requiredOption('--to <time>', 'end: an ISO time or from now (+40m)')
    .action(
      cliAction(async (flags: HostFlags & { from: string; to: string }) => {
        const now = Date.now();
        const window = await callMarketAsHost(flags, (hosts) =>
          hosts.declareMaintenance({
            body: { starts_at: parseWhen(flags.from, now), ends_at: parseWhen(flags.to, now) },
          }),
        );
        console.log(`Accepted: ${window.id} from ${window.starts_at} to ${window.ends_at}`);
      }),
    );
  maintenance
    .command('list')
    .description('windows not yet ended')
    .action(
      cliAction(async (flags: HostFlags) => {
        const answer = await callMarketAsHost(flags, (hosts) => hosts.listMaintenance());
        console.log(table(answer.data, ['id', 'starts_at', 'ends_at']));
      }),
    );
  maintenance
    .command('cancel <id>')
    .description('cancel a window')
    .action(
      cliAction(async (flags: HostFlags, id: string) => {
        await callMarketAsHost(flags, (hosts) => hosts.cancelMaintenance({ params: { id } }));
        console.log(`Cancelled ${id}`);
      }),
    );
  return host;
}
