// `agora` as a user runs it: a child process of bin/agora.js. startMarketProcess() waits for the printout and
// returns the base URL and key it printed; agoraCli() runs one command to its end.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_MODEL_CACHE } from './model-cache-dir.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'agora.js');
const ENV = { ...process.env, AGORA_MODEL_CACHE: TEST_MODEL_CACHE, AGORA_LOG_LEVEL: 'silent', DATABASE_URL: '' };

export type MarketProcess = { baseUrl: string; url: string; apiKey: string; child: ChildProcess; output: () => string };

export async function startMarketProcess(dataDir: string, extraArgs: string[] = []): Promise<MarketProcess> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = () => (/^API key: .+$/m.test(output) ? resolve() : undefined);
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`agora start exited with ${code}:\n${output}`)));
  });
  const baseUrl = /^Base URL: (\S+)$/m.exec(output)![1]!;
  return {
    baseUrl,
    url: baseUrl.replace(/\/v1$/, ''),
    apiKey: /^API key: (\S+)$/m.exec(output)![1]!,
    child,
    output: () => output,
  };
}

/** Stops the market with a signal and waits for the process to end. */
export async function stopMarketProcess(market: MarketProcess, signal: NodeJS.Signals): Promise<void> {
  if (market.child.exitCode !== null || market.child.signalCode !== null) return;
  const exited = new Promise((resolve) => market.child.once('exit', resolve));
  market.child.kill(signal);
  await exited;
}

export type CliResult = { code: number; stdout: string; stderr: string };

export async function agoraCli(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: ENV });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

export type HostProcess = { hostId: string; url: string; child: ChildProcess };

/**
 * `agora host` (the built-in engine unless `extraArgs` name another) joining a market; resolves once it is admitted.
 * Without a market URL it finds the market as a user's would, by `extraArgs` such as --market-data-dir.
 */
export async function startHostProcess(
  marketUrl: string | undefined,
  dataDir: string,
  name: string,
  extraArgs: string[] = [],
): Promise<HostProcess> {
  const market = marketUrl === undefined ? [] : ['--market', marketUrl];
  const child = spawn(process.execPath, [BIN, 'host', ...market, '--data-dir', dataDir, '--name', name, ...extraArgs], {
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => (/^Host ready: /m.test(output) ? resolve() : undefined));
    child.once('exit', (code) => reject(new Error(`agora host exited with ${code}:\n${output}`)));
  });
  const [, hostId, url] = /^Host ready: (\S+) serving .+? at (\S+) /m.exec(output)!;
  return { hostId: hostId!, url: url!, child };
}
