// Errors in the log are for what the operator must look at: a refusal the market answers by rule (402, 404, 429,
// 503 with no host) is one info line with its code, never a level-50 line or a stack trace.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAINTENANCE_RULES } from '../../src/domain/hosts/maintenance.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

type LogLine = { level: number; msg: string; code?: string; status?: number; err?: unknown };

const lines: LogLine[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
    done();
  },
});

let market: TestMarket;
beforeAll(async () => {
  // One host may take all of a model's capacity away, so a maintenance window leaves the model without a host.
  const maintenanceRules = { ...DEFAULT_MAINTENANCE_RULES, minNoticeMs: 0, maxShareAway: 1 };
  market = await startTestMarket({ logLevel: 'info', logDestination: destination, maintenanceRules });
});
afterAll(() => market.stop());

const chat = (key: string, model = 'agora-tiny') =>
  fetch(`${market.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 }),
  });

async function refusalCode(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('refusals in the log', () => {
  it('logs 402, 404, 429 and 503 refusals at info with their code, and nothing at error', async () => {
    const codes = [
      await refusalCode(await chat((await fundedBuyer(market, '0')).key), 402),
      await refusalCode(await chat((await fundedBuyer(market, '1')).key, 'no-such-model'), 404),
      await refusalCode(await fetch(`${market.url}/v1/nowhere`), 404),
    ];

    const buyer = await fundedBuyer(market, '1');
    const sub = await fetch(`${market.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'agent', rate_limit_rpm: 1 }),
    });
    const agentKey = ((await sub.json()) as { key: string }).key;
    expect((await chat(agentKey)).status).toBe(200);
    codes.push(await refusalCode(await chat(agentKey), 429));

    // The only host's window starts within the drain lead: it takes no new requests, and the model has no host.
    const hostToken = (await readFile(join(market.dataDir, 'hosts', 'host-1', 'host.token'), 'utf8')).trim();
    const now = Date.now();
    const away = await fetch(`${market.url}/hosts/me/maintenance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hostToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        starts_at: new Date(now + 1_000).toISOString(),
        ends_at: new Date(now + 3_600_000).toISOString(),
      }),
    });
    expect(away.status).toBe(201);
    codes.push(await refusalCode(await chat(buyer.key), 503));

    for (const code of codes) {
      const logged = lines.filter((line) => line.code === code);
      expect(logged.length, code).toBeGreaterThan(0);
      for (const line of logged) {
        expect(line.level, code).toBe(30);
        expect(line.err, code).toBeUndefined();
      }
    }
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
