// Turns a growing token sequence into text deltas that are safe to stream: never half a UTF-8 character, never
// a prefix of a stop sequence that may still complete, and nothing after a stop sequence. Half a character at the
// end is held until its last byte comes and dropped if the answer ends first, never sent as U+FFFD.

export type TextDelta = { text: string; stopped: boolean };

/**
 * `decode` is the engine's text of the ids (an unfinished character at the end shows as one U+FFFD);
 * `endsInsideCharacter` says from the tokens' bytes whether the ids stop inside a character. Without it, any
 * trailing U+FFFD is taken for one, which is only wrong for a model that really writes U+FFFD last.
 */
export function createTextDelta(
  decode: (ids: readonly number[]) => string,
  stops: readonly string[],
  endsInsideCharacter: (ids: readonly number[]) => boolean = () => true,
) {
  const ids: number[] = [];
  let emitted = '';
  const pendingStopPrefix = (text: string): number => {
    let hold = 0;
    for (const stop of stops) {
      for (let len = Math.min(stop.length - 1, text.length); len > hold; len--) {
        if (text.endsWith(stop.slice(0, len))) hold = len;
      }
    }
    return hold;
  };
  const step = (final: boolean): TextDelta => {
    const decoded = decode(ids);
    const full = decoded.endsWith('\uFFFD') && endsInsideCharacter(ids) ? decoded.slice(0, -1) : decoded;
    const stopAt = stops.reduce((at, s) => {
      const i = full.indexOf(s, Math.max(0, emitted.length - s.length + 1));
      return i >= 0 && (at < 0 || i < at) ? i : at;
    }, -1);
    if (stopAt >= 0) {
      const text = full.slice(emitted.length, stopAt);
      emitted = full.slice(0, stopAt);
      return { text, stopped: true };
    }
    const safeEnd = final ? full.length : full.length - pendingStopPrefix(full);
    const text = full.slice(emitted.length, Math.max(safeEnd, emitted.length));
    emitted += text;
    return { text, stopped: false };
  };
  return {
    push(id: number): TextDelta {
      ids.push(id);
      return step(false);
    },
    flush(): TextDelta {
      return step(true);
    },
  };
}
