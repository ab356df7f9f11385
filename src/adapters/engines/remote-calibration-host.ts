// An OpenAI-compatible engine (llama.cpp server, vLLM, SGLang, a host's own engine) as an honest host under
// calibration: greedy chat answers asked with the top-k logprobs and token ids the host protocol requires. The
// prompt ids are the market's own (the SKU's chat template and tokenizer), as metering counts them.
import type { CalibrationHost, ChatMessage } from '../../app/verification/calibrate-honest-floor.ts';
import { readUpstreamAnswer } from '../../contracts/openai/upstream-completion.ts';

export function remoteCalibrationHost(options: {
  baseUrl: string;
  model: string;
  bearer?: string | undefined;
  promptIdsOf(messages: readonly ChatMessage[]): number[];
  fetch?: typeof fetch;
}): CalibrationHost {
  const send = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/chat/completions`;
  return {
    async answer(messages, { maxTokens, topK, temperature, seed }) {
      const response = await send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
        },
        body: JSON.stringify({
          model: options.model,
          messages,
          max_tokens: maxTokens,
          temperature,
          seed,
          logprobs: true,
          top_logprobs: topK,
        }),
        signal: AbortSignal.timeout(120_000),
      });
      if (!response.ok) throw new Error(`the engine answered ${response.status}: ${await response.text()}`);
      // Attacker-controlled only in the weak sense: the operator points this at an engine it chose.
      const tokens = readUpstreamAnswer('chat', await response.json()).answer.choices[0]?.tokens;
      if (!tokens || tokens.some((t) => t.top.length === 0))
        throw new Error('the engine reports no token ids or top-k logprobs: it cannot be calibrated (docs/hosts.md)');
      return { promptIds: options.promptIdsOf(messages), positions: tokens };
    },
  };
}
