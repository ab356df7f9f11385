// The operator's records on SQL, one store per aggregate (accounts, keys, catalog, hosts, maintenance and capacity,
// usage, settings, ledger reports), put together for the composition root and the tests that drive a whole
// market. Use cases take the one interface they use, never this whole.
import type { Kysely } from 'kysely';
import { createKyselyAccountStore, createKyselyLedgerReportStore } from './kysely-account-store.ts';
import { createKyselyCatalogStore } from './kysely-catalog-store.ts';
import { createKyselyCapacityStore, createKyselyMaintenanceStore } from './kysely-host-maintenance-store.ts';
import { createKyselyHostStore } from './kysely-host-store.ts';
import { createKyselyKeyAdminStore } from './kysely-key-admin-store.ts';
import { createKyselySettingsStore } from './kysely-settings-store.ts';
import { createKyselyUsageStore } from './kysely-usage-store.ts';
import type { Schema } from './schema.ts';

export const createKyselyMarketStore = (db: Kysely<Schema>) => ({
  ...createKyselyAccountStore(db),
  ...createKyselyLedgerReportStore(db),
  ...createKyselyKeyAdminStore(db),
  ...createKyselyCatalogStore(db),
  ...createKyselyHostStore(db),
  ...createKyselyMaintenanceStore(db),
  ...createKyselyCapacityStore(db),
  ...createKyselyUsageStore(db),
  ...createKyselySettingsStore(db),
});

/** Every store of the operator's records, as one value. */
export type MarketStores = ReturnType<typeof createKyselyMarketStore>;
