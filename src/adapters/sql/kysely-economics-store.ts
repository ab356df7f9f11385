// The economics aggregate on SQL, as the composition root wires it: epochs and settlement, a host's funds, and the
// reconciliation of the ledger, each in its own file.
import type { Kysely } from 'kysely';
import type { EconomicsStore } from '../../app/economics/economics-store.ts';
import { createKyselyEpochStore } from './kysely-epoch-store.ts';
import { createKyselyFundsStore } from './kysely-funds-store.ts';
import { createKyselyLedgerCheck } from './kysely-ledger-check.ts';
import type { Schema } from './schema.ts';

export const createKyselyEconomicsStore = (db: Kysely<Schema>): EconomicsStore => ({
  ...createKyselyEpochStore(db),
  ...createKyselyFundsStore(db),
  ...createKyselyLedgerCheck(db),
});
