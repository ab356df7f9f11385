// Turns a growing token sequence into text deltas that are safe to stream: never half a UTF-8 character, never
// a prefix of a stop sequence that may still complete, and nothing after a stop sequence.

export type TextDelta = { text: string; stopped: boolean };

export function createTextDelta(decode: (ids: readonly number[]) => string, stops: readonly string[]) {
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
    const full = decode(ids);
    const stopAt = stops.reduce((at, s) => {
      const i = full.indexOf(s, Math.max(0, emitted.length - s.length + 1));
      return i >= 0 && (at < 0 || i < at) ? i : at;
    }, -1);
    if (stopAt >= 0) {
      const text = full.slice(emitted.length, stopAt);
      emitted = full.slice(0, stopAt);
      return { text, stopped: true };
    }
    if (!final && full.endsWith('\uFFFD')) return { text: '', stopped: false };
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
