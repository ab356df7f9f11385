// What the market gathers from a host's answer as it passes, choice by choice (n > 1 asks for several): each
// choice's text and the reasoning apart from it, the host's token positions (while every chunk brought valid ids),
// its tool calls and why it stopped; and the host's usage claim for the whole answer. The market's count, the
// capture and the verification sample are made from it, for a stream and a JSON answer alike.
import type { ChoiceOutput, UpstreamAnswer, UpstreamEvent } from '../../../contracts/openai/upstream-completion.ts';
import type { FormatAnswer } from '../../../domain/formats/format-judge.ts';
import { ToolCallAssembly } from '../../../domain/tools/tool-call-assembly.ts';
import type { ClaimedPosition } from '../../../domain/verification/response-check.ts';

/** One choice of the answer, as gathered so far. */
export class ChoiceTally {
  text = '';
  /** the reasoning the host sent beside the content (its own usage class) */
  reasoning = '';
  /** the host's positions so far; undefined once a chunk had no ids (or invalid ones): then the text is counted */
  positions: ClaimedPosition[] | undefined = [];
  finishReason: string | null = null;
  /** the tool calls so far (a JSON answer's, or a stream's fragments assembled) */
  readonly toolCalls = new ToolCallAssembly();

  constructor(private readonly reportsIds: boolean) {}

  /**
   * The output the completion tokens are counted from: the text, then every call's arguments (what the model
   * generated for them; ids, names and the wire's framing are not the model's tokens).
   */
  meteredText(): string {
    return this.text + this.toolCalls.argumentsText();
  }

  /** What the format judge reads of the whole choice. */
  formatAnswer(): FormatAnswer {
    return {
      toolCalls: this.toolCalls.calls(),
      malformedToolCalls: this.toolCalls.malformed,
      text: this.text,
      finishReason: this.finishReason,
    };
  }

  add(output: ChoiceOutput) {
    const tokens = this.reportsIds ? output.tokens : undefined;
    this.toolCalls.add(output.toolCalls);
    if (output.reasoning !== undefined) this.reasoning += output.reasoning;
    // An engine's logprobs cover the content only: with tool calls, its ids are not the whole output; with
    // reasoning, engines differ on whether they cover it, so they are not read either.
    if (this.positions && tokens && this.toolCalls.size === 0 && this.reasoning === '') this.positions.push(...tokens);
    else this.positions = undefined;
    this.text += output.text;
    this.finishReason = output.finishReason ?? this.finishReason;
  }
}

export class AnswerTally {
  /** the host's completion count over all choices, where it claimed one */
  claimed: number | undefined;
  readonly #choices = new Map<number, ChoiceTally>();

  /**
   * `reportsIds`: the host's engine is known to report token ids (else its ids, if any, are not read); `choiceCount`:
   * the choices asked for (n) — a choice with a higher index is the host's invention, not gathered, never billed.
   */
  constructor(
    private readonly reportsIds: boolean,
    readonly choiceCount: number,
  ) {}

  static of(answer: UpstreamAnswer, reportsIds: boolean, choiceCount: number): AnswerTally {
    const tally = new AnswerTally(reportsIds, choiceCount);
    tally.claimed = answer.completionTokens;
    for (const output of answer.choices) tally.#addOutput(output);
    return tally;
  }

  add(event: UpstreamEvent): void {
    if (event.type === 'usage') this.claimed = event.completionTokens ?? this.claimed;
    else for (const output of event.outputs) this.#addOutput(output);
  }

  /** Whether the buyer gets this choice: one it asked for (n). */
  asked(index: number): boolean {
    return index < this.choiceCount;
  }

  /** The choices the host sent, by index. */
  choices(): ChoiceTally[] {
    return [...this.#choices.entries()].sort(([a], [b]) => a - b).map(([, choice]) => choice);
  }

  #addOutput(output: ChoiceOutput) {
    if (!this.asked(output.index)) return;
    let choice = this.#choices.get(output.index);
    if (!choice) this.#choices.set(output.index, (choice = new ChoiceTally(this.reportsIds)));
    choice.add(output);
  }
}
