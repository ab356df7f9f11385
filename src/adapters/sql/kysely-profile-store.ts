// Verification profiles and hosts' hardware classes on SQL. A profile is stored as the JSON the verifier reads and
// parsed back through its contract, so a row edited by hand cannot hand the verifier a malformed profile.
import type { Kysely } from 'kysely';
import type { InstalledProfile, ProfileStore } from '../../app/verification/profile-store.ts';
import { verificationProfileSchema } from '../../contracts/trust/verification-profile.ts';
import type { Schema } from './schema.ts';

export function createKyselyProfileStore(db: Kysely<Schema>): ProfileStore {
  return {
    async installProfile(p) {
      const row = {
        profile: JSON.stringify(p.profile),
        calibration: JSON.stringify(p.calibration),
        measured_at: p.profile.measuredAt,
        decode_tokens_per_second: p.decodeTokensPerSecond,
      };
      await db
        .insertInto('verification_profiles')
        .values({ model_id: p.modelId, engine_kind: p.engineKind, hardware_class: p.hardwareClass, ...row })
        .onConflict((oc) =>
          oc.columns(['model_id', 'engine_kind', 'hardware_class']).doUpdateSet({ ...row, installed_at: new Date() }),
        )
        .execute();
    },
    async listProfiles(modelId) {
      let query = db
        .selectFrom('verification_profiles')
        .selectAll()
        .orderBy('model_id')
        .orderBy('engine_kind')
        .orderBy('hardware_class');
      if (modelId !== undefined) query = query.where('model_id', '=', modelId);
      return (await query.execute()).map((r): InstalledProfile => ({
        modelId: r.model_id,
        engineKind: r.engine_kind,
        hardwareClass: r.hardware_class,
        profile: verificationProfileSchema.parse(r.profile),
        calibration: (r.calibration ?? {}) as Record<string, unknown>,
        decodeTokensPerSecond: r.decode_tokens_per_second,
      }));
    },
    async hostClass(hostId) {
      const row = await db
        .selectFrom('hosts')
        .select(['id', 'engine_kind', 'hardware_class', 'hardware_class_doubt'])
        .where('id', '=', hostId)
        .executeTakeFirst();
      return (
        row && {
          hostId: row.id,
          engineKind: row.engine_kind,
          hardwareClass: row.hardware_class,
          doubt: row.hardware_class_doubt,
        }
      );
    },
    async setClassDoubt(hostId, doubt) {
      await db.updateTable('hosts').set({ hardware_class_doubt: doubt }).where('id', '=', hostId).execute();
    },
  };
}
