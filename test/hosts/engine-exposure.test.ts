// An engine the host agent fronts must be reachable only through it: `agora host` warns, saying why, when the
// engine's URL is not loopback or its port answers on another of this machine's addresses — checked against real
// listeners bound to 127.0.0.1 and to 0.0.0.0, probing only this machine's own addresses.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineExposureWarnings } from '../../src/adapters/http/engine-host/engine-exposure.ts';
import { startHostAgent } from '../../src/main/host-agent.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(host: string): Promise<number> {
  const server = createServer((socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

/** This machine's first IPv4 address that is not loopback (the test needs one to probe). */
const outsideAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((i) => i.family === 'IPv4' && !i.internal)?.address;

describe('engine exposure', () => {
  it('is quiet for an engine bound to 127.0.0.1 and reached over loopback', async () => {
    const port = await listen('127.0.0.1');
    expect(await engineExposureWarnings(`http://127.0.0.1:${port}`)).toEqual([]);
    expect(await engineExposureWarnings(`http://localhost:${port}/v1`)).toEqual([]);
  });

  it.runIf(outsideAddress)(
    'warns when the engine bound to 0.0.0.0 answers on another address of this machine',
    async () => {
      const port = await listen('0.0.0.0');
      const warnings = await engineExposureWarnings(`http://127.0.0.1:${port}`);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`port ${port} also answers on ${outsideAddress}`);
      expect(warnings[0]).toMatch(/\/pause and \/update_weights need no key.*--host 127\.0\.0\.1/);
    },
  );

  it.runIf(outsideAddress)("warns when the engine's URL is not a loopback address", async () => {
    const port = await listen(outsideAddress!);
    const warnings = await engineExposureWarnings(`http://${outsideAddress}:${port}`);
    expect(warnings).toEqual([expect.stringContaining(`reached over ${outsideAddress}, not loopback`)]);
  });

  it.runIf(outsideAddress)('`agora host` reports the warning in its events before it joins a market', async () => {
    const port = await listen('0.0.0.0');
    const closedPort = await listen('127.0.0.1');
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const dataDir = mkdtempSync(join(tmpdir(), 'agora-exposure-'));
    const events: string[] = [];
    try {
      const joining = startHostAgent({
        marketUrl: `http://127.0.0.1:${closedPort}`,
        engine: { kind: 'openai-compatible', url: `http://127.0.0.1:${port}`, models: ['agora-tiny'] },
        maxConcurrency: 1,
        dataDir,
        modelCacheDir: dataDir,
        listenHost: '127.0.0.1',
        port: 0,
        name: 'exposed',
        onEvent: (message) => events.push(message),
      });
      await expect(joining).rejects.toThrow(/cannot reach the market/);
      expect(events).toEqual([expect.stringMatching(/^WARNING: the engine's port \d+ also answers on /)]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
