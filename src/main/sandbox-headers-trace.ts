// `agora sandbox --scenario headers-trace`: what a buyer's client sees besides the answer, on a real market (fresh
// embedded database) with `agora host` processes. The rate-limit headers on a JSON answer and a stream, their
// remaining count falling; the routing trace asked by header (JSON) and by body (a stream's comment before
// [DONE]), absent unasked; a second host that joins and is killed at once (not yet measured, so tried first), whose
// failure the next trace shows before the host that served; and a key over its requests per minute refused with
// Retry-After. Ends with one JSON line for tools.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import type { TraceView } from '../app/v1/routing-trace.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket } from './market.ts';
import { sandboxRequest } from './sandbox.ts';
import { spawnHost } from './sandbox-processes.ts';
import { cryptoIds } from './system-ports.ts';

export type HeadersTraceOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type HeadersTraceResult = {
  scenario: 'headers-trace';
  seed: number;
  ok: boolean;
  ratelimit_headers_ok: boolean;
  remaining_requests: number[];
  reset_requests: string | null;
  retry_after_s: number | null;
  trace_absent_unasked: boolean;
  trace_in_stream: boolean;
  trace_hosts_tried: number;
  trace_failover: TraceView['hosts'];
  verification: TraceView['verification'];
};

const RATE_LIMIT_HEADERS = ['limit', 'remaining', 'reset'].flatMap((figure) =>
  ['requests', 'tokens'].map((kind) => `x-ratelimit-${figure}-${kind}`),
);
const STREAM_TRACE = /\n: agora-trace (\{.*\})\n\ndata: \[DONE\]\n\n$/;
const FAILOVER_TRIES = 5;

export async function runHeadersTraceSandbox(options: HeadersTraceOptions): Promise<HeadersTraceResult> {
  const { say } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-headers-'));
  const market = await startMarket(localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir }));
  const hosts: ChildProcess[] = [];
  try {
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyer = await createAccount(admin, 'Sandbox buyer');
    await grantCredits(admin, buyer, 1_000_000_000_000n, `sandbox-headers-${options.seed}`);
    // The market's default limits are so high that a bucket refills between two requests; these keys' do not.
    const keyWith = async (rateLimitRpm: number | null) =>
      (await issueKey(admin, buyer, 'buyer', { ...unlimitedKey(`rpm ${rateLimitRpm}`), rateLimitRpm })).key;
    const key = await keyWith(5);
    const unlimited = await keyWith(null);
    const slowKey = await keyWith(2);
    const first = await spawnHost(market.url, join(dataDir, 'host-a'), 'host-a', options.modelCacheDir);
    hosts.push(first.child);
    say(`market ${market.url}: one \`agora host\` process (${first.hostId}); seed ${options.seed}`);

    const prng = createPrng(options.seed);
    const ask = (apiKey: string, body: object, headers: Record<string, string> = {}) =>
      fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ ...sandboxRequest(prng), ...body }),
      });
    const traceOf = (json: string | null | undefined): TraceView | undefined =>
      json ? (JSON.parse(json) as TraceView) : undefined;
    const remaining = (res: Response) => Number(res.headers.get('x-ratelimit-remaining-requests'));
    const hasLimitHeaders = (res: Response) => RATE_LIMIT_HEADERS.every((name) => res.headers.has(name));

    const json = await ask(key, { stream: false }, { 'x-agora-trace': '1' });
    await json.text();
    const jsonTrace = traceOf(json.headers.get('x-agora-trace'));
    say(`JSON answer: HTTP ${json.status}, remaining ${remaining(json)}; trace ${JSON.stringify(jsonTrace)}`);

    const stream = await ask(key, { stream: true, trace: true });
    const streamed = await stream.text();
    const streamTrace = traceOf(STREAM_TRACE.exec(streamed)?.[1]);
    say(
      `stream: HTTP ${stream.status}, remaining ${remaining(stream)}; trace before [DONE]: ${streamTrace !== undefined}`,
    );

    const unasked = await ask(key, { stream: false });
    await unasked.text();
    const absent = unasked.status === 200 && !unasked.headers.has('x-agora-trace');
    const answers = [json, stream, unasked];
    const remainingRequests = answers.map(remaining);

    // A host that joins is not yet measured, so it is tried first: killed at once, it fails before its first byte.
    const second = await spawnHost(market.url, join(dataDir, 'host-b'), 'host-b', options.modelCacheDir);
    hosts.push(second.child);
    second.child.kill('SIGKILL');
    say(`${second.hostId} joined and was killed (SIGKILL) before any request reached it`);
    let failover: TraceView | undefined;
    for (let tries = 0; tries < FAILOVER_TRIES && (failover?.hosts.length ?? 0) < 2; tries++) {
      const res = await ask(unlimited, { stream: false }, { 'x-agora-trace': '1' });
      await res.text();
      failover = traceOf(res.headers.get('x-agora-trace'));
    }
    say(`trace after the kill: ${JSON.stringify(failover?.hosts)}`);

    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 3 && !refused; i++) {
      const res = await ask(slowKey, { stream: false });
      await res.text();
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    const retryAfter = refused ? Number(refused.headers.get('retry-after')) : null;
    say(`a key allowed 2 requests a minute: ${statuses.join(', ')}; Retry-After ${retryAfter} s`);

    const headersOk =
      answers.every((res) => res.status === 200 && hasLimitHeaders(res)) &&
      remainingRequests.every((n, i) => i === 0 || n < (remainingRequests[i - 1] as number)) &&
      refused !== undefined &&
      hasLimitHeaders(refused) &&
      remaining(refused) === 0;
    const failoverHosts = failover?.hosts ?? [];
    const failedThenServed =
      failoverHosts.length === 2 &&
      failoverHosts[0]?.host === second.hostId &&
      failoverHosts[0].outcome === 'failed' &&
      failoverHosts[1]?.host === first.hostId &&
      failoverHosts[1].outcome === 'served';
    const served = (trace: TraceView | undefined) => trace?.hosts.at(-1)?.outcome === 'served';
    return {
      scenario: 'headers-trace',
      seed: options.seed,
      ok:
        headersOk &&
        retryAfter !== null &&
        retryAfter >= 1 &&
        absent &&
        served(jsonTrace) &&
        served(streamTrace) &&
        failedThenServed,
      ratelimit_headers_ok: headersOk,
      remaining_requests: remainingRequests,
      reset_requests: json.headers.get('x-ratelimit-reset-requests'),
      retry_after_s: retryAfter,
      trace_absent_unasked: absent,
      trace_in_stream: served(streamTrace),
      trace_hosts_tried: failoverHosts.length,
      trace_failover: failoverHosts,
      verification: jsonTrace?.verification ?? null,
    };
  } finally {
    for (const child of hosts) child.kill('SIGKILL');
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
