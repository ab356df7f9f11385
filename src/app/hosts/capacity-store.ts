// The store port for capacity probes: the latest measurement of each host serving each model.

/** What a capacity probe measured of one host serving one model. */
export type CapacityMeasurement = {
  hostId: string;
  modelId: string;
  /** from sending the request to the first token, as a buyer would see it */
  ttftMs: number;
  prefillTokensPerSecond: number;
  /** null when the answer had a single token (no interval between tokens to measure) */
  decodeTokensPerSecond: number | null;
  measuredAtMs: number;
};

export type CapacityStore = {
  /** keeps the latest measurement per host and model */
  recordCapacity(measurement: CapacityMeasurement): Promise<void>;
  listCapacity(hostIds?: readonly string[]): Promise<CapacityMeasurement[]>;
};
