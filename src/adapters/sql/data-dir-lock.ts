// PGlite has no cross-process lock, so one process owns a data directory: a pid file that names a live process
// refuses a second owner (a stale file left by a killed process is taken over).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function runningOwner(dataDir: string): number | undefined {
  const path = join(dataDir, 'market.pid');
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

/** Whether an error is lockDataDir's refusal: another live process owns the data directory. */
export const isDataDirInUse = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('DATA_DIR_IN_USE');

export function lockDataDir(dataDir: string): () => void {
  const owner = runningOwner(dataDir);
  if (owner !== undefined)
    throw new Error(`DATA_DIR_IN_USE: ${dataDir} belongs to the running process ${owner}; stop it first`);
  const path = join(dataDir, 'market.pid');
  writeFileSync(path, String(process.pid));
  return () => rmSync(path, { force: true });
}
