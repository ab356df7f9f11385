// What `agora start` prints once the market listens: where it is, a key that works (the demo buyer's, also with no
// hosts yet), and copy-paste examples that work from any directory — the openai one after `npm i openai` there.
import { resolve } from 'node:path';
import { BUILTIN_MODEL_ID } from '../../main/builtin-model.ts';
import type { RunningMarket } from '../../main/market.ts';

export type StartedMarket = Pick<RunningMarket, 'url' | 'demoKey' | 'operatorKey' | 'operatorKeyIsNew'> & {
  hostUrls: string[];
  dataDir: string;
};

/** The `openai` SDK example, a shell command that streams one chat answer. */
export function openAiExample(baseUrl: string, key: string): string {
  return `node --input-type=module -e '
    import OpenAI from "openai";
    const client = new OpenAI({ baseURL: "${baseUrl}", apiKey: "${key}" });
    const stream = await client.chat.completions.create({ model: "${BUILTIN_MODEL_ID}", stream: true,
      messages: [{ role: "user", content: "Hello!" }] });
    for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
    console.log();'`;
}

export function startBanner(market: StartedMarket): string {
  const { url, demoKey: key } = market;
  const hosts =
    market.hostUrls.length > 0
      ? `Hosts: ${market.hostUrls.length} built-in (${market.hostUrls.join(', ')}); another joins with: agora host --market ${url} --engine builtin --data-dir <dir>`
      : `Hosts: none yet — completions answer 503 no_host_available until one joins: agora host --market ${url} --engine builtin --data-dir <dir>`;
  const operator = market.operatorKeyIsNew
    ? `Operator key (shown once; also in ${resolve(market.dataDir)}/operator.key): ${market.operatorKey}\n`
    : '';
  return `
Agora is running.
Base URL: ${url}/v1
API key: ${key}
Console: ${url}/console (sign in with the API key, a host token or the operator key) · status: ${url}/status
${hosts}
${operator}
Try it:
  curl ${url}/v1/chat/completions \\
    -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
    -d '{"model":"${BUILTIN_MODEL_ID}","messages":[{"role":"user","content":"Tell me about the market."}],"usage":{"include":true}}'

  curl ${url}/v1/credits -H "Authorization: Bearer ${key}"

  # with the openai SDK, in any directory: first \`npm i openai\` there, then
  ${openAiExample(`${url}/v1`, key)}
Press Ctrl+C to stop.`;
}
