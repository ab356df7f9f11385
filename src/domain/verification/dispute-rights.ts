// When a buyer loses the right to dispute: its disputes keep being rejected. The market (app/verification/disputes.ts)
// and the simulator apply the same rule.

/** At least this many rejected disputes, and fewer than one in five upheld: the account may no longer dispute. */
export const DISPUTE_RIGHTS = { minRejected: 5, minUpheldShare: 0.2 } as const;

export const mayDispute = (record: { upheld: number; rejected: number }): boolean =>
  !(
    record.rejected >= DISPUTE_RIGHTS.minRejected &&
    record.upheld < DISPUTE_RIGHTS.minUpheldShare * (record.upheld + record.rejected)
  );
