// `agora sandbox --scenario responses`: the Responses API as a client sees it, on a real market (fresh embedded
// database) with an `agora host` process. A text response; a stream read as raw SSE (event names, sequence numbers,
// deltas against the done text, the last event); a stored response continued by `previous_response_id` (its prompt
// the whole conversation, another account refused, gone once deleted); a function call and its output answered;
// and the bill: each response's usage record is its tokens at the locked prices, and the balance fell by their sum.
// Ends with one JSON line for tools.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import { parseNanos } from '../domain/money/nanos.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket } from './market.ts';
import { spawnHost } from './sandbox-processes.ts';
import { cryptoIds } from './system-ports.ts';

export type ResponsesSandboxOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type ResponsesSandboxResult = {
  scenario: 'responses';
  seed: number;
  ok: boolean;
  text_ok: boolean;
  stream_events_ok: boolean;
  stream_events: number;
  continued_ok: boolean;
  function_call_ok: boolean;
  billing_ok: boolean;
  billed_nanos: string;
  responses: number;
};

type Usage = { input_tokens: number; output_tokens: number; total_tokens: number };
type OutputItem = {
  type: string;
  content?: Array<{ text: string }>;
  call_id?: string;
  name?: string;
  arguments?: string;
};
type ResponseBody = { id: string; object: string; status: string; output: OutputItem[]; usage: Usage };
type StreamEvent = { type: string; sequence_number: number; delta?: string; text?: string; response?: ResponseBody };

const CITIES = ['Paris', 'Lagos', 'Lima', 'Oslo', 'Hanoi', 'Quito'];
const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city now',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

const textOf = (response: ResponseBody): string =>
  response.output
    .filter((item) => item.type === 'message')
    .flatMap((item) => item.content ?? [])
    .map((part) => part.text)
    .join('');

/** The events of a Responses stream, each with the `event:` name it came under. */
function sseEvents(body: string): Array<{ name: string | undefined; event: StreamEvent }> {
  return body
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const lines = block.split('\n');
      const name = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
      const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? '';
      return { name, event: JSON.parse(data) as StreamEvent };
    });
}

export async function runResponsesSandbox(options: ResponsesSandboxOptions): Promise<ResponsesSandboxResult> {
  const { say, seed } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-responses-'));
  const market = await startMarket(localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir }));
  const hosts: ChildProcess[] = [];
  try {
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyerWith = async (name: string) => {
      const account = await createAccount(admin, name);
      await grantCredits(admin, account, 1_000_000_000n, `sandbox-responses-${name}-${seed}`);
      return (await issueKey(admin, account, 'buyer', unlimitedKey(name))).key;
    };
    const key = await buyerWith('Sandbox buyer');
    const stranger = await buyerWith('Another buyer');
    const host = await spawnHost(market.url, join(dataDir, 'host-a'), 'host-a', options.modelCacheDir);
    hosts.push(host.child);
    say(`market ${market.url}: one \`agora host\` process (${host.hostId}); seed ${seed}`);

    const call = (method: string, path: string, apiKey: string, body?: object) =>
      fetch(`${market.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const served: ResponseBody[] = [];
    const create = async (body: object, apiKey = key) => {
      const res = await call('POST', '/v1/responses', apiKey, { model: 'agora-tiny', ...body });
      const json = (await res.json()) as ResponseBody & { error?: { code: string } };
      if (res.status === 200) served.push(json);
      return { status: res.status, body: json };
    };
    const city = CITIES[seed % CITIES.length] as string;

    // A text response.
    const text = await create({
      input: `Tell me about ${city}.`,
      instructions: 'Answer briefly.',
      max_output_tokens: 24,
    });
    const textOk =
      text.status === 200 &&
      text.body.object === 'response' &&
      ['completed', 'incomplete'].includes(text.body.status) &&
      textOf(text.body).length > 0 &&
      text.body.usage.total_tokens === text.body.usage.input_tokens + text.body.usage.output_tokens;
    say(
      `text: HTTP ${text.status}, ${text.body.status}, "${textOf(text.body)}", usage ${JSON.stringify(text.body.usage)}`,
    );

    // A stream, read as the raw SSE a client receives.
    const streamed = await call('POST', '/v1/responses', key, {
      model: 'agora-tiny',
      input: [{ role: 'user', content: [{ type: 'input_text', text: `Hello from ${city}` }] }],
      max_output_tokens: 16,
      stream: true,
    });
    const events = sseEvents(await streamed.text());
    const last = events.at(-1)?.event;
    if (last?.response) served.push(last.response);
    const deltas = events.flatMap(({ event }) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
    const streamEventsOk =
      streamed.status === 200 &&
      events.every(({ name, event }, i) => name === event.type && event.sequence_number === i) &&
      events[0]?.event.type === 'response.created' &&
      events[1]?.event.type === 'response.in_progress' &&
      ['response.completed', 'response.incomplete'].includes(last?.type ?? '') &&
      deltas.length > 1 &&
      events.find(({ event }) => event.type === 'response.output_text.done')?.event.text === deltas.join('') &&
      last?.response !== undefined &&
      textOf(last.response) === deltas.join('');
    say(`stream: HTTP ${streamed.status}, ${events.length} events (${deltas.length} deltas), last ${last?.type}`);

    // A stored response, continued; another account cannot see it; deleted, it is gone.
    const first = await create({ input: 'Tell me about the market.', temperature: 0, store: true });
    const second = await create({ input: 'And the hosts?', previous_response_id: first.body.id, max_output_tokens: 8 });
    const asChat = (await (
      await call('POST', '/v1/chat/completions', key, {
        model: 'agora-tiny',
        messages: [
          { role: 'user', content: 'Tell me about the market.' },
          { role: 'assistant', content: textOf(first.body) },
          { role: 'user', content: 'And the hosts?' },
        ],
        max_tokens: 1,
      })
    ).json()) as { usage: { prompt_tokens: number } };
    const foreign = await create({ input: 'Hi', previous_response_id: first.body.id }, stranger);
    const foreignRead = await call('GET', `/v1/responses/${first.body.id}`, stranger);
    const read = await call('GET', `/v1/responses/${first.body.id}`, key);
    const deleted = await call('DELETE', `/v1/responses/${first.body.id}`, key);
    const afterDelete = await call('GET', `/v1/responses/${first.body.id}`, key);
    const continuedOk =
      first.status === 200 &&
      second.status === 200 &&
      second.body.usage.input_tokens === asChat.usage.prompt_tokens &&
      foreign.status === 404 &&
      foreign.body.error?.code === 'response_not_found' &&
      foreignRead.status === 404 &&
      read.status === 200 &&
      deleted.status === 200 &&
      afterDelete.status === 404;
    say(
      `continued: the second prompt has ${second.body.usage.input_tokens} tokens (the whole conversation as chat: ${asChat.usage.prompt_tokens}); another account HTTP ${foreign.status}/${foreignRead.status}; deleted HTTP ${deleted.status}, then ${afterDelete.status}`,
    );

    // A function call, and the answer to its output.
    const asked = await create({
      input: `What is the weather in ${city}?`,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', name: 'get_weather' },
      store: true,
    });
    const fc = asked.body.output?.find((item) => item.type === 'function_call');
    let argumentsParse = false;
    try {
      argumentsParse = typeof (JSON.parse(fc?.arguments ?? '') as { city?: unknown }).city === 'string';
    } catch {
      argumentsParse = false;
    }
    const answered = fc?.call_id
      ? await create({
          previous_response_id: asked.body.id,
          input: [{ type: 'function_call_output', call_id: fc.call_id, output: '{"sky":"clear","celsius":21}' }],
          tools: [WEATHER_TOOL],
          max_output_tokens: 16,
        })
      : undefined;
    const functionCallOk =
      asked.status === 200 &&
      fc?.name === 'get_weather' &&
      argumentsParse &&
      answered?.status === 200 &&
      answered.body.output.length > 0;
    say(
      `function call: HTTP ${asked.status}, ${fc ? `${fc.name}(${fc.arguments})` : JSON.stringify(asked.body)}; its output answered: HTTP ${answered?.status}`,
    );

    // The bill: every response is a usage record of its tokens; the balance fell by their costs.
    await market.flushBilling();
    const records = (
      (await (await call('GET', '/v1/usage?limit=100', key)).json()) as {
        data: Array<{ request_id: string; cost: string; prompt_tokens: number; completion_tokens: number }>;
      }
    ).data;
    const ofResponses = served.map((r) => records.find((rec) => `resp_${rec.request_id}` === r.id));
    const billedNanos = ofResponses.reduce((sum, rec) => sum + (parseNanos(rec?.cost ?? '') ?? 0n), 0n);
    const allRecords = records.reduce((sum, rec) => sum + (parseNanos(rec.cost) ?? 0n), 0n);
    const credits = (await (await call('GET', '/v1/credits', key)).json()) as { balance: string };
    const billingOk =
      ofResponses.every(
        (rec, i) =>
          rec !== undefined &&
          rec.prompt_tokens === served[i]?.usage.input_tokens &&
          rec.completion_tokens === served[i]?.usage.output_tokens &&
          (parseNanos(rec.cost) ?? 0n) > 0n,
      ) && parseNanos(credits.balance) === 1_000_000_000n - allRecords;
    say(
      `billed: ${served.length} responses, ${billedNanos} nano-units (usage records match their usage: ${billingOk}); balance ${credits.balance}`,
    );

    return {
      scenario: 'responses',
      seed,
      ok: textOk && streamEventsOk && continuedOk && functionCallOk && billingOk,
      text_ok: textOk,
      stream_events_ok: streamEventsOk,
      stream_events: events.length,
      continued_ok: continuedOk,
      function_call_ok: functionCallOk,
      billing_ok: billingOk,
      billed_nanos: billedNanos.toString(),
      responses: served.length,
    };
  } finally {
    for (const child of hosts) child.kill('SIGKILL');
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
