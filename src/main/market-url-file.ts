// `agora start` leaves the address its CLI can reach it at in <data-dir>/market.url, so the operator's commands
// find a market started with --port (or --host 0.0.0.0) without being told, as they find its operator.key. A clean
// stop removes the file; one left by a killed market names an address nothing answers, and the CLI says so.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export type MarketLocation = { url: string; /** the market.url file it was read from */ file?: string };

export const marketUrlFile = (dataDir: string): string => join(resolve(dataDir), 'market.url');

/** The address to call a market listening on `listening`: a wildcard address is reached on loopback. */
export function connectableUrl(listening: string): string {
  const url = new URL(listening);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.origin;
}

/** Records where the market listens; the returned function removes the record unless another start replaced it. */
export async function recordMarketUrl(dataDir: string, listening: string): Promise<() => Promise<void>> {
  const file = marketUrlFile(dataDir);
  const url = connectableUrl(listening);
  await writeFile(file, `${url}\n`);
  return async () => {
    if ((await readRecorded(file)) === url) await rm(file, { force: true });
  };
}

async function readRecorded(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text?.trim() || undefined;
}

/** Where the CLI finds the market: the flag (or its environment variable), else the data directory's record, else the default. */
export async function locateMarket(
  flag: string | undefined,
  dataDir: string,
  fallback: string,
): Promise<MarketLocation> {
  if (flag) return { url: flag };
  const file = marketUrlFile(dataDir);
  const recorded = await readRecorded(file);
  return recorded ? { url: recorded, file } : { url: fallback };
}
