// A slash as the market records it beside its ledger transaction: whose bond, why, and what caused it (a conviction
// or an epoch's misses). The plans that slash return it; the store writes it as a row.
import type { Nanos } from './nanos.ts';

export type SlashRecord = { id: string; hostId: string; reason: 'conviction' | 'misses'; cause: string; amount: Nanos };
