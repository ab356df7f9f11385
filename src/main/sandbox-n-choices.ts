// `agora sandbox --scenario n-choices`: n choices per request as a buyer sees them, on a real market (fresh embedded
// database) with one `agora host` process. One buyer asks for one answer with a seed, another for n with the same
// seed: n choices by index, choice 0 the single answer, the prompt billed once and each choice's completion tokens
// (counted from the logprob entries the buyer gets, one per token) at the locked price, to the nano-unit; the same
// request streamed gives the same choices, chunk by chunk, and one usage chunk. Then the refusals: n above 8 is a
// 400 naming `n`, and a sub-key whose spend limit covers one choice's worst case twice cannot ask for 8.
// Ends with one JSON line for tools.
import { REQUEST_LIMITS } from '../contracts/openai/request-limits.ts';
import { visiblePrefix } from '../domain/keys/api-key.ts';
import { parseNanos } from '../domain/money/nanos.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { BUILTIN_MODEL_ID } from './builtin-model.ts';
import { openSandboxMarket, type SandboxMarket, SANDBOX_PROMPTS } from './sandbox-market.ts';

export type NChoicesSandboxOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type NChoicesSandboxResult = {
  scenario: 'n-choices';
  seed: number;
  ok: boolean;
  /** choices asked for and answered (indexes 0..n-1, each once) */
  n: number;
  choices: number;
  distinct_choices: number;
  /** choice 0 is the answer n = 1 gives with the same seed */
  choice_zero_is_single: boolean;
  prompt_tokens: number;
  /** the n-choice answer bills the same prompt tokens as the single one */
  prompt_tokens_billed_once: boolean;
  completion_tokens_per_choice: number[];
  /** the usage record's cost is prompt × prompt price + Σ choices × completion price, and usage.cost says it */
  bill_exact: boolean;
  billed_nanos: string;
  /** the same request streamed: the same choices by index, one usage chunk with the same completion tokens */
  stream_matches: boolean;
  /** n = 9: 400 with param "n" */
  above_max_refused: boolean;
  /** a sub-key refused n = 8 (403 spend_limit_exceeded) where n = 1 is served */
  sub_key_limit_held: boolean;
};

type Usage = { prompt_tokens: number; completion_tokens: number; cost: string };
type ChatAnswer = {
  choices: Array<{ index: number; message: { content: string }; logprobs: { content: unknown[] } | null }>;
  usage: Usage;
};
type Chunk = {
  choices: Array<{ index: number; delta: { content?: string } }>;
  usage?: Usage;
};

export async function runNChoicesSandbox(options: NChoicesSandboxOptions): Promise<NChoicesSandboxResult> {
  const { say } = options;
  const sandbox = await openSandboxMarket('n-choices', options);
  try {
    const { market } = sandbox;
    const host = await sandbox.spawnHost('host-a');
    const prng = createPrng(options.seed);
    const n = 2 + (prng.nextUint32() % 3);
    const request = {
      model: BUILTIN_MODEL_ID,
      messages: [{ role: 'user', content: SANDBOX_PROMPTS[prng.nextUint32() % SANDBOX_PROMPTS.length] as string }],
      max_tokens: 12,
      temperature: 1,
      seed: prng.nextUint32() >>> 1,
      logprobs: true,
      usage: { include: true },
    };
    say(`market ${market.url}: one \`agora host\` process (${host.hostId}); seed ${options.seed}, n ${n}`);
    // fresh buyers each: no prompt prefix is cached for them, so every prompt token is billed at the prompt price
    const credits = 1_000_000_000n;
    const chat = async (key: string, body: object) => {
      const response = await sandbox.call(key, 'POST', '/v1/chat/completions', body);
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      return response;
    };

    const single = (await (await chat(await sandbox.buyer('single', credits), request)).json()) as ChatAnswer;
    const buyer = await sandbox.buyer('n choices', credits);
    const answer = (await (await chat(buyer, { ...request, n })).json()) as ChatAnswer;
    const texts = answer.choices.map((c) => c.message.content);
    const perChoice = answer.choices.map((c) => c.logprobs?.content.length ?? 0);
    const indexesOk = answer.choices.every((c, i) => c.index === i) && answer.choices.length === n;
    say(`n = 1: ${JSON.stringify(single.choices[0]?.message.content)}, ${single.usage.prompt_tokens} prompt tokens`);
    for (const [i, text] of texts.entries())
      say(`n = ${n}, choice ${i}: ${JSON.stringify(text)} (${perChoice[i]} tokens)`);
    say(
      `n = ${n}: ${answer.usage.prompt_tokens} prompt + ${answer.usage.completion_tokens} completion tokens, cost ${answer.usage.cost}`,
    );

    await market.flushBilling();
    const [record] = await market.store.listUsage({ keyPrefix: visiblePrefix(buyer) }, 1);
    const completion = perChoice.reduce((sum, t) => sum + t, 0);
    const bill =
      record === undefined
        ? -1n
        : BigInt(answer.usage.prompt_tokens) * record.promptPrice + BigInt(completion) * record.completionPrice;
    const billExact =
      record !== undefined &&
      record.cachedTokens === 0 &&
      answer.usage.completion_tokens === completion &&
      record.cost === bill &&
      parseNanos(answer.usage.cost) === bill;
    say(`usage record: ${record?.cost} nano-units; prompt once + Σ choices × price: ${bill}`);

    const streamed = new Map<number, string>();
    const usages: Usage[] = [];
    const streamKey = await sandbox.buyer('streaming', credits);
    const stream = await chat(streamKey, { ...request, n, stream: true, stream_options: { include_usage: true } });
    for (const line of (await stream.text()).split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const chunk = JSON.parse(line.slice('data: '.length)) as Chunk;
      if (chunk.usage) usages.push(chunk.usage);
      for (const c of chunk.choices) streamed.set(c.index, (streamed.get(c.index) ?? '') + (c.delta.content ?? ''));
    }
    const streamMatches =
      JSON.stringify([...streamed.entries()].sort(([a], [b]) => a - b)) ===
        JSON.stringify(texts.map((t, i) => [i, t])) &&
      usages.length === 1 &&
      usages[0]?.completion_tokens === answer.usage.completion_tokens;
    say(
      `streamed: ${streamed.size} choices by index, ${usages.length} usage chunk; the same as the JSON answer: ${streamMatches}`,
    );

    const above = await sandbox.call(buyer, 'POST', '/v1/chat/completions', { ...request, n: REQUEST_LIMITS.maxN + 1 });
    const aboveBody = (await above.json()) as { error?: { param?: string; message?: string } };
    const aboveMaxRefused = above.status === 400 && aboveBody.error?.param === 'n';
    say(`n = ${REQUEST_LIMITS.maxN + 1}: ${above.status} ${aboveBody.error?.message}`);

    const subKeyLimitHeld =
      record !== undefined &&
      (await checkSubKey(
        sandbox,
        buyer,
        request,
        single.usage.prompt_tokens * Number(record.promptPrice),
        record.completionPrice,
      ));
    say(`a sub-key covering one choice's worst case twice: n = 8 refused, n = 1 served: ${subKeyLimitHeld}`);

    return {
      scenario: 'n-choices',
      seed: options.seed,
      ok:
        indexesOk &&
        texts[0] === single.choices[0]?.message.content &&
        new Set(texts).size > 1 &&
        answer.usage.prompt_tokens === single.usage.prompt_tokens &&
        billExact &&
        streamMatches &&
        aboveMaxRefused &&
        subKeyLimitHeld,
      n,
      choices: answer.choices.length,
      distinct_choices: new Set(texts).size,
      choice_zero_is_single: texts[0] === single.choices[0]?.message.content,
      prompt_tokens: answer.usage.prompt_tokens,
      prompt_tokens_billed_once: answer.usage.prompt_tokens === single.usage.prompt_tokens,
      completion_tokens_per_choice: perChoice,
      bill_exact: billExact,
      billed_nanos: String(record?.cost ?? 0n),
      stream_matches: streamMatches,
      above_max_refused: aboveMaxRefused,
      sub_key_limit_held: subKeyLimitHeld,
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * A sub-key whose total limit covers one choice's worst case twice (the prompt's cost, and max_tokens at the
 * completion price): 8 choices are refused, one is served.
 */
async function checkSubKey(
  sandbox: SandboxMarket,
  parentKey: string,
  request: { max_tokens: number },
  promptNanos: number,
  completionPrice: bigint,
): Promise<boolean> {
  const limit = (BigInt(promptNanos) + BigInt(request.max_tokens) * completionPrice) * 2n;
  const created = await sandbox.call(parentKey, 'POST', '/v1/keys', {
    name: 'agent',
    spend_limit_total: `0.${limit.toString().padStart(9, '0')}`,
  });
  const agent = ((await created.json()) as { key: string }).key;
  const body = { ...request, usage: undefined };
  const eight = await sandbox.call(agent, 'POST', '/v1/chat/completions', { ...body, n: 8 });
  const eightBody = (await eight.json()) as { error?: { code?: string } };
  const one = await sandbox.call(agent, 'POST', '/v1/chat/completions', body);
  await one.arrayBuffer();
  return eight.status === 403 && eightBody.error?.code === 'spend_limit_exceeded' && one.status === 200;
}
