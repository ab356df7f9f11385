// Tool calls through the market with the official `openai` client: the built-in host's calls reach the buyer in
// OpenAI's shape (JSON and streamed argument deltas), their arguments are counted as completion tokens and billed,
// and the prompt the market counts includes the tools it rendered.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJsonSchema } from '../../src/app/v1/json-schemas.ts';
import { ToolCallAssembly } from '../../src/domain/tools/tool-call-assembly.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
let client: OpenAI;
const weather = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer' } },
  required: ['city', 'days'],
};
const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: weather } }];
const messages = [{ role: 'user' as const, content: 'get_weather for Oslo' }];

beforeAll(async () => {
  market = await startTestMarket();
  client = new OpenAI({ baseURL: `${market.url}/v1`, apiKey: (await fundedBuyer(market, '1')).key, maxRetries: 0 });
});
afterAll(() => market.stop());

describe('tool calls through the market', () => {
  it('bills the arguments of a call as completion tokens, and the rendered tools as prompt tokens', async () => {
    const plain = await client.chat.completions.create({ model: 'agora-tiny', messages, max_tokens: 4 });
    const res = await client.chat.completions.create({
      model: 'agora-tiny',
      messages,
      tools,
      seed: 3,
      usage: { include: true },
    } as never);
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
    if (call?.type !== 'function') throw new Error('no function call');
    const compiled = compileJsonSchema(weather);
    expect(compiled.ok && compiled.validate(JSON.parse(call.function.arguments)).ok).toBe(true);
    expect(res.usage?.completion_tokens).toBeGreaterThanOrEqual(5);
    expect(res.usage?.prompt_tokens).toBeGreaterThan((plain.usage?.prompt_tokens ?? 0) + 20);
    expect(Number((res.usage as unknown as { cost: string }).cost)).toBeGreaterThan(0);
  });

  it('streams argument deltas that assemble into a call matching the schema, with usage counting them', async () => {
    const stream = await client.chat.completions.create({
      model: 'agora-tiny',
      messages,
      tools,
      tool_choice: 'required',
      seed: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    const assembly = new ToolCallAssembly();
    let completionTokens = 0;
    for await (const chunk of stream) {
      assembly.add(chunk.choices[0]?.delta.tool_calls);
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    const [call] = assembly.calls();
    expect(call?.name).toBe('get_weather');
    const compiled = compileJsonSchema(weather);
    expect(compiled.ok && compiled.validate(JSON.parse(call?.arguments ?? '')).ok).toBe(true);
    expect(completionTokens).toBeGreaterThanOrEqual(5);
  });
});
