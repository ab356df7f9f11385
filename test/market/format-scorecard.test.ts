// Format failures through the market: every answer to a request with tools is judged at settlement, and a host
// whose tool calls do not parse gets them on its stored scorecard (the host's summary, what `agora host status`
// shows) and in /metrics, while a host calling the same tool correctly has none.
import { describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { fundedBuyer } from '../support/test-market.ts';

const scripted = scriptedMarket();

const toolAnswer = (args: string) => ({
  ...scriptedAnswer,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: args } }],
      },
      finish_reason: 'tool_calls',
    },
  ],
});
const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

describe('format scorecard', () => {
  it('puts broken tool calls on the host’s stored scorecard and in /metrics, and nothing on a host calling correctly', async () => {
    const market = scripted.market;
    await scripted.serve('toolsy', [
      { status: 200, body: toolAnswer('<tool_call>{"city":"Oslo"}') },
      { status: 200, body: toolAnswer('{"city":"Oslo"}') },
    ]);
    const buyer = await fundedBuyer(market, '1');
    const ask = async (host: string, extra: object = {}) => {
      const body = { model: 'toolsy', tools, provider: { only: [host] }, ...extra };
      const response = await postChat(market.url, buyer.key, body);
      expect(response.status).toBe(200);
    };
    await ask('toolsy-0');
    await ask('toolsy-0', { tool_choice: 'required' });
    await ask('toolsy-1');
    // A request with no format to keep is not judged.
    const plain = await postChat(market.url, buyer.key, { model: 'toolsy', provider: { only: ['toolsy-0'] } });
    expect(plain.status).toBe(200);

    // The tallies reach the stored scorecard with the next write (every 5 s).
    await expect
      .poll(async () => (await market.store.hostSummary('toolsy-0', Date.now()))?.formats, { timeout: 15_000 })
      .toEqual([{ modelId: 'toolsy', answers: 2, failures: 2, failuresByKind: { unparsable_arguments: 2 } }]);
    expect((await market.store.hostSummary('toolsy-1', Date.now()))?.formats).toEqual([
      { modelId: 'toolsy', answers: 1, failures: 0, failuresByKind: {} },
    ]);
    const metrics = await (await fetch(`${market.url}/metrics`)).text();
    expect(metrics).toContain(
      'agora_format_answers_total{model="toolsy",host="toolsy-0",outcome="unparsable_arguments"} 2',
    );
    expect(metrics).toContain('agora_format_answers_total{model="toolsy",host="toolsy-1",outcome="ok"} 1');
  });
});
