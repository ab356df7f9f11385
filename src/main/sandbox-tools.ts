// `agora sandbox --scenario tools`: tool calling as a buyer sees it, on a real market (fresh embedded database) with
// its built-in host. Every `tool_choice` — `auto` naming tools and not, `required`, a named function, `none` —
// streamed and not, each answer held to the documented rule (docs/api.md: which tools are called), its arguments
// parsed and validated against the tool's schema; then a tool result sent back and answered in text. The format
// scorecard (`/metrics`) must count no failure for this honest host, and every answer must be billed as the usage it
// reported. Ends with one JSON line for tools.
import { compileJsonSchema } from '../app/v1/json-schemas.ts';
import { parseNanos } from '../domain/money/nanos.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { ToolCallAssembly, type AssembledToolCall } from '../domain/tools/tool-call-assembly.ts';
import { BUILTIN_MODEL_ID } from './builtin-model.ts';
import { parseMetrics, SANDBOX_TOOLS } from './sandbox-format-failures.ts';
import { openSandboxMarket } from './sandbox-market.ts';

export type ToolsSandboxOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type ToolsSandboxResult = {
  scenario: 'tools';
  seed: number;
  ok: boolean;
  /** answers, and those whose calls (or text) were the ones the rule names */
  answers: number;
  choices_followed: number;
  tool_calls: number;
  /** every call names a tool offered, and its arguments parse and match that tool's schema */
  arguments_valid: boolean;
  /** a tool result sent back is answered in text, streamed and not */
  round_trip_ok: boolean;
  /** format failures the market counted for the host (/metrics) over the answers it judged */
  format_answers: number;
  format_failures: number;
  /** every answer is a usage record of its reported tokens at a positive cost, and the balance fell by their sum */
  billed: boolean;
  billed_nanos: string;
};

type ToolChoice = 'auto' | 'required' | 'none' | { type: 'function'; function: { name: string } };
type Case = { name: string; prompt: string; toolChoice: ToolChoice; expect: string[] };
type Answer = {
  id: string;
  calls: AssembledToolCall[];
  content: string;
  finishReason: string | null;
  usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  malformed: boolean;
};

const CITIES = ['Oslo', 'Lima', 'Hanoi', 'Quito', 'Lagos', 'Paris'];
const ZONES = ['Europe/Oslo', 'America/Lima', 'Asia/Tokyo', 'Africa/Lagos'];

/** The seed's cases: each tool_choice, with the calls the documented rule makes for it. */
function toolCases(seed: number): Case[] {
  const prng = createPrng(seed);
  const city = CITIES[prng.nextUint32() % CITIES.length] as string;
  const zone = ZONES[prng.nextUint32() % ZONES.length] as string;
  return [
    {
      name: 'auto naming a tool',
      prompt: `Is it raining in ${city}? Use get_weather.`,
      toolChoice: 'auto',
      expect: ['get_weather'],
    },
    {
      name: 'auto naming two',
      prompt: `Use get_time for ${zone}, then get_weather for ${city}.`,
      toolChoice: 'auto',
      expect: ['get_time', 'get_weather'],
    },
    { name: 'auto naming none', prompt: `Tell me about ${city}.`, toolChoice: 'auto', expect: [] },
    // required with no tool named: the first tool
    { name: 'required', prompt: `What is it like in ${city} today?`, toolChoice: 'required', expect: ['get_weather'] },
    {
      name: 'named',
      prompt: `What time is it in ${zone}?`,
      toolChoice: { type: 'function', function: { name: 'get_time' } },
      expect: ['get_time'],
    },
    { name: 'none', prompt: `Is it raining in ${city}? Use get_weather.`, toolChoice: 'none', expect: [] },
  ];
}

/** A chat answer as a client reads it: a JSON body, or a stream's chunks with the tool-call deltas assembled. */
async function readAnswer(response: Response, stream: boolean): Promise<Answer> {
  const assembly = new ToolCallAssembly();
  type Choice = {
    message?: { content: string | null; tool_calls?: unknown };
    delta?: { content?: string | null; tool_calls?: unknown };
    finish_reason: string | null;
  };
  type Body = { id: string; choices: Choice[]; usage?: Answer['usage'] };
  const bodies: Body[] = stream
    ? (await response.text())
        .split('\n\n')
        .filter((block) => block.startsWith('data: {'))
        .map((block) => JSON.parse(block.slice('data: '.length)) as Body)
    : [(await response.json()) as Body];
  let content = '';
  let finishReason: string | null = null;
  for (const body of bodies)
    for (const choice of body.choices) {
      const part = choice.message ?? choice.delta;
      assembly.add(part?.tool_calls);
      content += part?.content ?? '';
      finishReason = choice.finish_reason ?? finishReason;
    }
  return {
    id: bodies[0]?.id ?? '',
    calls: assembly.calls(),
    content,
    finishReason,
    usage: bodies.find((b) => b.usage)?.usage,
    malformed: assembly.malformed,
  };
}

/** The call names a tool offered and its arguments parse and match that tool's parameters. */
function isValidCall(call: AssembledToolCall): boolean {
  const tool = SANDBOX_TOOLS.find((t) => t.function.name === call.name);
  const compiled = tool && compileJsonSchema(tool.function.parameters);
  if (!compiled?.ok) return false;
  try {
    return compiled.validate(JSON.parse(call.arguments)).ok;
  } catch {
    return false;
  }
}

export async function runToolsSandbox(options: ToolsSandboxOptions): Promise<ToolsSandboxResult> {
  const { say, seed } = options;
  const sandbox = await openSandboxMarket('tools', { ...options, market: { builtinHosts: 1 } });
  try {
    const { market } = sandbox;
    const credits = 1_000_000_000n;
    const key = await sandbox.buyer('Sandbox buyer', credits);
    const hostId = market.hosts[0]?.hostId ?? '';
    say(`market ${market.url} with its built-in host ${hostId}; seed ${seed}`);

    const answers: Answer[] = [];
    const ask = async (body: object, stream: boolean): Promise<Answer> => {
      const response = await sandbox.call(key, 'POST', '/v1/chat/completions', {
        model: BUILTIN_MODEL_ID,
        tools: SANDBOX_TOOLS,
        max_tokens: 64,
        seed,
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
        ...body,
      });
      const answer = response.status === 200 ? await readAnswer(response, stream) : undefined;
      if (!answer) throw new Error(`SANDBOX_TOOLS: HTTP ${response.status}: ${await response.text()}`);
      answers.push(answer);
      return answer;
    };

    let followed = 0;
    for (const c of toolCases(seed))
      for (const stream of [false, true]) {
        const answer = await ask(
          { messages: [{ role: 'user', content: c.prompt }], tool_choice: c.toolChoice },
          stream,
        );
        const names = answer.calls.map((call) => call.name);
        const asRuled =
          JSON.stringify(names) === JSON.stringify(c.expect) &&
          (c.expect.length > 0
            ? answer.finishReason === 'tool_calls'
            : answer.content.length > 0 && answer.finishReason !== 'tool_calls');
        if (asRuled) followed += 1;
        say(
          `${c.name.padEnd(18)} ${stream ? 'stream' : 'json  '}  ${names.length > 0 ? answer.calls.map((call) => `${call.name}(${call.arguments})`).join(' ') : JSON.stringify(answer.content)}  ${answer.finishReason}${asRuled ? '' : `  NOT AS RULED (expected ${JSON.stringify(c.expect)})`}`,
        );
      }

    // The result of a call, sent back: the answer is text (the calls were made).
    const asked = answers.find((a) => a.calls.length === 1 && a.calls[0]?.name === 'get_weather');
    const call = asked?.calls[0];
    let roundTripOk = call !== undefined;
    if (call)
      for (const stream of [false, true]) {
        const answer = await ask(
          {
            messages: [
              { role: 'user', content: toolCases(seed)[0]?.prompt },
              {
                role: 'assistant',
                content: null,
                tool_calls: [
                  { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } },
                ],
              },
              { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear","celsius":21}' },
            ],
          },
          stream,
        );
        roundTripOk &&= answer.calls.length === 0 && answer.content.length > 0 && answer.finishReason !== 'tool_calls';
        say(
          `tool result sent back (${stream ? 'stream' : 'json'}): ${JSON.stringify(answer.content)} ${answer.finishReason}`,
        );
      }

    const calls = answers.flatMap((a) => a.calls);
    const argumentsValid = answers.every((a) => !a.malformed) && calls.every(isValidCall);
    const formats = parseMetrics(await (await fetch(`${market.url}/metrics`)).text()).filter(
      (m) => m.name === 'agora_format_answers_total' && m.labels['host'] === hostId,
    );
    const formatAnswers = formats.reduce((sum, m) => sum + m.value, 0);
    const formatFailures = formats.filter((m) => m.labels['outcome'] !== 'ok').reduce((sum, m) => sum + m.value, 0);
    say(
      `${calls.length} tool calls, arguments valid: ${argumentsValid}; format scorecard: ${formatFailures} failures in ${formatAnswers} answers`,
    );

    // The bill: each answer a usage record of the tokens it reported, the balance down by all of them.
    await market.flushBilling();
    const records = (
      (await (await sandbox.call(key, 'GET', '/v1/usage?limit=100')).json()) as {
        data: Array<{ request_id: string; cost: string; prompt_tokens: number; completion_tokens: number }>;
      }
    ).data;
    const recordOf = (a: Answer) => records.find((r) => `chatcmpl-${r.request_id}` === a.id);
    const billedNanos = records.reduce((sum, r) => sum + (parseNanos(r.cost) ?? 0n), 0n);
    const balance = ((await (await sandbox.call(key, 'GET', '/v1/credits')).json()) as { balance: string }).balance;
    const billed =
      records.length === answers.length &&
      answers.every((a) => {
        const record = recordOf(a);
        return (
          record !== undefined &&
          record.prompt_tokens === a.usage?.prompt_tokens &&
          record.completion_tokens === a.usage.completion_tokens &&
          (parseNanos(record.cost) ?? 0n) > 0n
        );
      }) &&
      parseNanos(balance) === credits - billedNanos;
    say(
      `billed: ${records.length} usage records for ${answers.length} answers, ${billedNanos} nano-units; balance ${balance}`,
    );

    return {
      scenario: 'tools',
      seed,
      ok:
        followed === toolCases(seed).length * 2 &&
        argumentsValid &&
        roundTripOk &&
        formatFailures === 0 &&
        formatAnswers > 0 &&
        billed,
      answers: answers.length,
      choices_followed: followed,
      tool_calls: calls.length,
      arguments_valid: argumentsValid,
      round_trip_ok: roundTripOk,
      format_answers: formatAnswers,
      format_failures: formatFailures,
      billed,
      billed_nanos: billedNanos.toString(),
    };
  } finally {
    await sandbox.close();
  }
}
