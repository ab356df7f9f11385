// The sandboxes' real processes: `agora` subcommands (hosts, the broken engine) started from this package's own
// binary, each resolved once it prints the line that says it is ready.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.ts';

const AGORA_BIN = join(PACKAGE_ROOT, 'bin', 'agora.js');

/** `agora <args>` as its own process; resolves with the first match of `ready` in its output, rejects if it exits. */
export function spawnAgora(
  args: readonly string[],
  ready: RegExp,
  modelCacheDir: string,
): Promise<{ match: RegExpExecArray; child: ChildProcess }> {
  const child = spawn(process.execPath, [AGORA_BIN, ...args], {
    env: { ...process.env, AGORA_MODEL_CACHE: modelCacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ match, child });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`agora ${args[0] ?? ''} exited with ${code}: ${output}`)));
  });
}

/** `agora host --engine <engine>` as its own process; resolves with its host id once the market admitted it. */
export async function spawnHost(
  marketUrl: string,
  dataDir: string,
  name: string,
  modelCacheDir: string,
  engine = 'builtin',
): Promise<{ hostId: string; child: ChildProcess }> {
  const { match, child } = await spawnAgora(
    ['host', '--market', marketUrl, '--engine', engine, '--data-dir', dataDir, '--name', name],
    /^Host ready: (\S+) /m,
    modelCacheDir,
  );
  return { hostId: match[1] as string, child };
}

/** `agora <args>` run to its end; its standard output, or an error with what it printed. */
export function runAgora(args: readonly string[], modelCacheDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [AGORA_BIN, ...args],
      { env: { ...process.env, AGORA_MODEL_CACHE: modelCacheDir } },
      (error, stdout, stderr) => (error ? reject(new Error(`agora ${args.join(' ')}: ${stderr}`)) : resolve(stdout)),
    );
  });
}
