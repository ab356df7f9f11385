// What the market gathers from a host's answer as it passes: the text and the reasoning apart from it, the host's
// token positions (while every chunk brought valid ids), its usage claim and why it stopped. The market's count, the capture and the
// verification sample are made from it, for a stream and a JSON answer alike.
import type { UpstreamAnswer, UpstreamEvent, UpstreamOutput } from '../../../contracts/openai/upstream-completion.ts';
import type { FormatAnswer } from '../../../domain/formats/format-judge.ts';
import { ToolCallAssembly } from '../../../domain/tools/tool-call-assembly.ts';
import type { ClaimedPosition } from '../../../domain/verification/response-check.ts';

export class AnswerTally {
  text = '';
  /** the reasoning the host sent beside the content (its own usage class) */
  reasoning = '';
  /** the host's positions so far; undefined once a chunk had no ids (or invalid ones): then the text is counted */
  positions: ClaimedPosition[] | undefined = [];
  /** the host's completion count, where it claimed one */
  claimed: number | undefined;
  finishReason: string | null = null;
  /** the tool calls so far (a JSON answer's, or a stream's fragments assembled) */
  readonly toolCalls = new ToolCallAssembly();

  /** `reportsIds`: the host's engine is known to report token ids (else its ids, if any, are not read) */
  constructor(private readonly reportsIds: boolean) {}

  static of(answer: UpstreamAnswer, reportsIds: boolean): AnswerTally {
    const tally = new AnswerTally(reportsIds);
    tally.add({ type: 'usage', completionTokens: answer.completionTokens });
    tally.addOutput(answer);
    return tally;
  }

  add(event: UpstreamEvent): void {
    if (event.type === 'usage') this.claimed = event.completionTokens ?? this.claimed;
    else this.addOutput(event);
  }

  /**
   * The output the completion tokens are counted from: the text, then every call's arguments (what the model
   * generated for them; ids, names and the wire's framing are not the model's tokens).
   */
  meteredText(): string {
    return this.text + this.toolCalls.argumentsText();
  }

  /** What the format judge reads of the whole answer. */
  formatAnswer(): FormatAnswer {
    return {
      toolCalls: this.toolCalls.calls(),
      malformedToolCalls: this.toolCalls.malformed,
      text: this.text,
      finishReason: this.finishReason,
    };
  }

  private addOutput(output: UpstreamOutput) {
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
