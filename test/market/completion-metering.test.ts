// Completion metering on the tiny model's real tokenizer: exact host ids are billed as they are (even a sequence
// the tokenizer would not produce from the text), anything else is counted from the text and never above the
// host's own count, and a usage claim that is not the count of the host's ids is flagged — for one choice and for n.
import fc from 'fast-check';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMeteringTokenizer } from '../../src/adapters/tokenizers/hf-tokenizer.ts';
import { tinyModelFiles } from '../support/tiny-engine.ts';
import type { Tokenizer } from '../../src/app/ports.ts';
import { meterCompletion } from '../../src/app/v1/completion-metering.ts';

let tokenizer: Tokenizer;
beforeAll(async () => {
  const { dir } = await tinyModelFiles();
  tokenizer = await loadMeteringTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
});

/** One choice metered: its count, and whether the claim was flagged. */
function meterOne(text: string, hostIds: readonly number[] | undefined, claimed: number | undefined) {
  const metered = meterCompletion(tokenizer, [{ text, hostIds }], claimed);
  return { ...metered.choices[0], usageClaimMismatch: metered.usageClaimMismatch };
}

describe('completion metering', () => {
  it("bills a host's exact ids, even a non-canonical sequence for the same text", () => {
    const text = 'The market is a place where hosts sell tokens.';
    const canonical = tokenizer.encode(text);
    expect(meterOne(text, canonical, canonical.length)).toEqual({
      tokens: canonical.length,
      source: 'host_ids',
      usageClaimMismatch: undefined,
    });
    // Byte by byte: what sampling may produce; it decodes to the same text, so it is billed as sent.
    const bytes = [...Buffer.from(text)].map((b) => tokenizer.encode(String.fromCharCode(b))[0]!);
    expect(tokenizer.decode(bytes)).toBe(text);
    expect(meterOne(text, bytes, bytes.length).tokens).toBe(bytes.length);
  });

  it('flags a usage claim that is not the count of its own ids, and bills the ids', () => {
    const text = 'Hello! I am a small model.';
    const ids = tokenizer.encode(text);
    expect(meterOne(text, ids, ids.length + 5)).toEqual({
      tokens: ids.length,
      source: 'host_ids',
      usageClaimMismatch: { claimed: ids.length + 5, ids: ids.length },
    });
  });

  it("counts the text when the ids do not decode to it or are not in the vocabulary, never above the host's claim", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 80 }),
        fc.option(fc.nat(100), { nil: undefined }),
        (text, ids, claimed) => {
          const counted = meterOne(text, ids, claimed);
          const own = tokenizer.encode(text).length;
          if (counted.source === 'host_ids') {
            expect([text, `${text}\uFFFD`]).toContain(tokenizer.decode(ids));
            expect(counted.tokens).toBe(ids.length);
          } else expect(counted.tokens).toBe(Math.min(claimed ?? Infinity, own));
        },
      ),
    );
    expect(meterOne('The market.', undefined, 999).tokens).toBe(tokenizer.encode('The market.').length);
  });

  it('counts text a host sent without token ids (no logprobs: an empty list of ids) with the market tokenizer', () => {
    const text = 'Hosts sell tokens and the market meters them.';
    const own = tokenizer.encode(text).length;
    expect(meterOne(text, [], undefined)).toMatchObject({ tokens: own, source: 'retokenized' });
    expect(meterOne(text, [], own - 2).tokens).toBe(own - 2);
  });

  it("meters n choices apart, holding the host's one claim to the ids of them all, and its claim bounding choices sent without ids", () => {
    const texts = ['The market.', 'Hosts sell tokens.', 'A place.'];
    const ids = texts.map((t) => tokenizer.encode(t));
    const total = ids.reduce((sum, i) => sum + i.length, 0);
    const exact = meterCompletion(
      tokenizer,
      texts.map((text, i) => ({ text, hostIds: ids[i] })),
      total,
    );
    expect(exact.choices.map((c) => c.tokens)).toEqual(ids.map((i) => i.length));
    expect(exact.usageClaimMismatch).toBeUndefined();
    const inflated = meterCompletion(
      tokenizer,
      texts.map((text, i) => ({ text, hostIds: ids[i] })),
      total + 3,
    );
    expect(inflated.usageClaimMismatch).toEqual({ claimed: total + 3, ids: total });
    // No ids: each choice counted from its text, together never above the claim (the last ones give way).
    const own = ids.map((i) => i.length);
    const claimed = own[0]! + own[1]! - 1;
    const bounded = meterCompletion(
      tokenizer,
      texts.map((text) => ({ text, hostIds: undefined })),
      claimed,
    );
    expect(bounded.choices.map((c) => c.tokens)).toEqual([own[0], own[1]! - 1, 0]);
    expect(bounded.usageClaimMismatch).toBeUndefined();
  });

  it('bills every id of an answer cut inside a character, whose last bytes the engine held back', () => {
    const ids = tokenizer.encode('ok 日本');
    const cut = ids.slice(0, -1);
    expect(tokenizer.decode(cut)).toBe('ok 日\uFFFD');
    expect(meterOne('ok 日', cut, cut.length)).toEqual({
      tokens: cut.length,
      source: 'host_ids',
      usageClaimMismatch: undefined,
    });
    const lead = tokenizer.encode('日').slice(0, 1);
    expect(meterOne('', lead, 1)).toEqual({
      tokens: 1,
      source: 'host_ids',
      usageClaimMismatch: undefined,
    });
  });
});
