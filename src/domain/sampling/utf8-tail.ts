// How many bytes at the end of a byte string are the start of a UTF-8 character that has not finished yet: the
// bytes a streaming decoder holds back (llama.cpp's server does the same with `validate_utf8`) instead of sending
// U+FFFD for half a character. The ranges are the WHATWG Encoding Standard's (§4.1, UTF-8 decoder), so a tail
// counted here is exactly one a WHATWG decoder (V8's, Rust's `from_utf8_lossy`) turns into a single U+FFFD at the
// end of its input, and an invalid prefix (one no later byte can complete) is never held.

/** The byte length a lead byte announces and the range its second byte must be in; undefined for a non-lead byte. */
function leadOf(byte: number): { length: number; second: [number, number] } | undefined {
  if (byte >= 0xc2 && byte <= 0xdf) return { length: 2, second: [0x80, 0xbf] };
  if (byte === 0xe0) return { length: 3, second: [0xa0, 0xbf] };
  if (byte === 0xed) return { length: 3, second: [0x80, 0x9f] };
  if (byte >= 0xe1 && byte <= 0xef) return { length: 3, second: [0x80, 0xbf] };
  if (byte === 0xf0) return { length: 4, second: [0x90, 0xbf] };
  if (byte === 0xf4) return { length: 4, second: [0x80, 0x8f] };
  if (byte >= 0xf1 && byte <= 0xf3) return { length: 4, second: [0x80, 0xbf] };
  return undefined;
}

const isContinuation = (byte: number): boolean => byte >= 0x80 && byte <= 0xbf;

/** The number of trailing bytes (0 to 3) that are a valid but unfinished UTF-8 character. */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const start = bytes.length - back;
    const lead = leadOf(bytes[start] as number);
    if (!lead) {
      if (isContinuation(bytes[start] as number)) continue;
      return 0;
    }
    if (back >= lead.length) return 0;
    const tail = bytes.subarray(start + 1);
    const second = tail[0];
    if (second !== undefined && (second < lead.second[0] || second > lead.second[1])) return 0;
    return tail.subarray(1).every(isContinuation) ? back : 0;
  }
  return 0;
}
