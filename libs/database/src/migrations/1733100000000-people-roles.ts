import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles live in the directory (v1.1). Existing people are migrated once: a providerId gives
 * `provider`, a consortiumId gives `commissioner`; nobody gets `governance` until an admin grants
 * it. `admin` is never stored (an admin token needs no directory entry).
 */
export class PeopleRoles1733100000000 implements MigrationInterface {
  name = 'PeopleRoles1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE people ADD COLUMN roles text[] NOT NULL DEFAULT '{}'`);
    await q.query(`UPDATE people SET roles = ARRAY['provider'] WHERE provider_id IS NOT NULL`);
    await q.query(
      `UPDATE people SET roles = ARRAY['commissioner'] WHERE provider_id IS NULL AND consortium_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE people
      ADD CONSTRAINT people_roles_known_ck CHECK (roles <@ ARRAY['commissioner','governance','provider']::text[]),
      ADD CONSTRAINT people_provider_roles_ck CHECK (provider_id IS NULL OR roles <@ ARRAY['provider']::text[]),
      ADD CONSTRAINT people_provider_needs_provider_ck CHECK (NOT ('provider' = ANY(roles)) OR provider_id IS NOT NULL)`);
    // GET /people?role=&consortiumId=
    await q.query(`CREATE INDEX people_roles_idx ON people USING gin (roles)`);
    await q.query(`CREATE INDEX people_consortium_idx ON people(consortium_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS people_consortium_idx`);
    await q.query(`DROP INDEX IF EXISTS people_roles_idx`);
    await q.query(`ALTER TABLE people DROP COLUMN roles`);
  }
}
