// `agora sandbox --scenario usage-classes`: cache reads billed as the market attributes them, run for real. A market on
// a fresh embedded database with its built-in host; a buyer opens a conversation, then continues it under the same
// key (the same affinity: the opening up to the first user turn), and the second answer reports the shared prefix as
// cached tokens, billed at the cache price. Another buyer's key sends that same second prompt: no cache discount. The
// ledger's captures must equal the sum over usage classes of tokens × price. Ends with one JSON line for tools.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import type { UsageRow } from '../app/billing/usage-store.ts';
import { ledgerAccount } from '../domain/ledger/transaction.ts';
import { parseNanos } from '../domain/money/nanos.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { BUILTIN_MODEL_ID } from './builtin-model.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket } from './market.ts';
import { cryptoIds } from './system-ports.ts';

export type UsageClassesOptions = { seed: number; modelCacheDir: string; say(line: string): void };

export type UsageClassesResult = {
  scenario: 'usage-classes';
  seed: number;
  ok: boolean;
  prompt_tokens: number;
  cached_tokens: number;
  first_bill_nanos: string;
  second_bill_nanos: string;
  /** the same prompt as the second, from another buyer's key: billed in full */
  other_key_cached_tokens: number;
  other_key_bill_nanos: string;
  /** the second bill is the other key's less cached × (prompt price − cache price), to the nano-unit */
  discount_exact: boolean;
  /** what the ledger captured (host earnings, platform fees, treasury) is Σ class tokens × class price, and balances */
  ledger_matches_classes: boolean;
};

const SYSTEM_PROMPTS = [
  'You are a terse assistant for a market of inference hosts. Answer in one sentence.',
  'You answer questions about prices, hosts and the ledger of an open inference market, briefly.',
];
const QUESTIONS = ['Tell me about the market.', 'What does the ledger keep?', 'Who serves the models?'];

type Usage = { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number }; cost: string };
type Message = { role: string; content: string };

/** Σ over classes of tokens × the price the record was billed at. */
const classBill = (r: UsageRow): bigint =>
  BigInt(r.promptTokens - r.cachedTokens) * r.promptPrice +
  BigInt(r.cachedTokens) * r.cachedPromptPrice +
  BigInt(r.completionTokens - r.reasoningTokens) * r.completionPrice +
  BigInt(r.reasoningTokens) * r.reasoningPrice;

export async function runUsageClassesSandbox(options: UsageClassesOptions): Promise<UsageClassesResult> {
  const { say } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-usage-classes-'));
  const market = await startMarket(
    localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir, builtinHosts: 1 }),
  );
  try {
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyerKey = async (name: string) => {
      const account = await createAccount(admin, name);
      await grantCredits(admin, account, 1_000_000_000_000n, `sandbox-usage-classes-${name}-${options.seed}`);
      return (await issueKey(admin, account, 'buyer', unlimitedKey(account))).key;
    };
    const [first, other] = [await buyerKey('Sandbox buyer'), await buyerKey('Another buyer')];
    say(`market ${market.url} with its built-in host ${market.hosts[0]?.hostId}; seed ${options.seed}`);

    const ask = async (key: string, messages: Message[]) => {
      const response = await fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: BUILTIN_MODEL_ID,
          messages,
          temperature: 0,
          max_tokens: 24,
          usage: { include: true },
        }),
      });
      const body = (await response.json()) as { choices: Array<{ message: Message }>; usage: Usage };
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
      return { answer: body.choices[0]?.message.content ?? '', usage: body.usage };
    };
    const prng = createPrng(options.seed);
    const pick = <T>(list: readonly T[]): T => list[prng.nextUint32() % list.length] as T;
    const opening = [
      { role: 'system', content: pick(SYSTEM_PROMPTS) },
      { role: 'user', content: pick(QUESTIONS) },
    ];
    const one = await ask(first, opening);
    say(
      `first turn: ${one.usage.prompt_tokens} prompt tokens, ${one.usage.prompt_tokens_details.cached_tokens} cached, billed ${one.usage.cost}`,
    );
    const continued = [
      ...opening,
      { role: 'assistant', content: one.answer },
      { role: 'user', content: pick(QUESTIONS) },
    ];
    const two = await ask(first, continued);
    say(
      `second turn, same key: ${two.usage.prompt_tokens} prompt tokens, ${two.usage.prompt_tokens_details.cached_tokens} cached, billed ${two.usage.cost}`,
    );
    const three = await ask(other, continued);
    say(
      `the same prompt from another key: ${three.usage.prompt_tokens_details.cached_tokens} cached, billed ${three.usage.cost}`,
    );

    await market.flushBilling();
    const records = await market.store.listUsage({}, 10);
    const captured = (
      await Promise.all(
        [
          ledgerAccount.hostEarnings(market.hosts[0]?.hostId ?? ''),
          ledgerAccount.platformFees,
          ledgerAccount.treasury,
        ].map((id) => market.store.balanceOf(id)),
      )
    ).reduce((sum, b) => sum + b, 0n);
    const totals = await market.store.ledgerTotals();
    const ledgerMatches =
      records.length === 3 &&
      records.every((r) => classBill(r) === r.cost) &&
      captured === records.reduce((sum, r) => sum + classBill(r), 0n) &&
      totals.sum === 0n;
    say(
      `ledger: ${captured} nano-units captured over ${records.length} usage records, the sum of class × price: ${ledgerMatches}`,
    );

    const nanos = (u: Usage): bigint => parseNanos(u.cost) ?? -1n;
    const second = records.find((r) => r.cachedTokens > 0);
    const discountExact =
      second !== undefined &&
      nanos(three.usage) - nanos(two.usage) ===
        BigInt(second.cachedTokens) * (second.promptPrice - second.cachedPromptPrice);
    const cached = two.usage.prompt_tokens_details.cached_tokens;
    return {
      scenario: 'usage-classes',
      seed: options.seed,
      ok:
        cached > 0 &&
        three.usage.prompt_tokens_details.cached_tokens === 0 &&
        nanos(two.usage) < nanos(three.usage) &&
        discountExact &&
        ledgerMatches,
      prompt_tokens: two.usage.prompt_tokens,
      cached_tokens: cached,
      first_bill_nanos: String(nanos(one.usage)),
      second_bill_nanos: String(nanos(two.usage)),
      other_key_cached_tokens: three.usage.prompt_tokens_details.cached_tokens,
      other_key_bill_nanos: String(nanos(three.usage)),
      discount_exact: discountExact,
      ledger_matches_classes: ledgerMatches,
    };
  } finally {
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
