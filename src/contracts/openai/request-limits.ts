// Hard bounds on what a /v1 request may contain; documented in docs/api.md.
export const REQUEST_LIMITS = {
  maxMessages: 256,
  maxStopSequences: 4,
  maxTools: 128,
  maxTopLogprobs: 20,
  /** choices per request (n): each is generated, metered and held for apart */
  maxN: 8,
  maxJsonDepth: 32,
  maxBodyBytes: 1_048_576,
} as const;
