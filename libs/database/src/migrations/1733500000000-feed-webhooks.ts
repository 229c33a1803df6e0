import { MigrationInterface, QueryRunner } from 'typeorm';

/** The change feed (placed after commit, see docs/feed.md) and webhook endpoints, deliveries and attempts. */
export class FeedWebhooks1733500000000 implements MigrationInterface {
  name = 'FeedWebhooks1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feed_items (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        position bigint UNIQUE,
        at timestamptz NOT NULL,
        type text NOT NULL,
        case_id uuid,
        ocid text,
        audience text NOT NULL CHECK (audience IN ('public', 'provider', 'consortium')),
        consortium_id uuid,
        provider_id uuid,
        data jsonb NOT NULL DEFAULT '{}',
        CHECK (audience <> 'provider' OR provider_id IS NOT NULL),
        CHECK (audience <> 'consortium' OR consortium_id IS NOT NULL)
      )`);
    // the sequencer's work list
    await q.query(`CREATE INDEX feed_items_unplaced_idx ON feed_items(seq) WHERE position IS NULL`);
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        owner_kind text NOT NULL CHECK (owner_kind IN ('provider', 'consortium')),
        provider_id uuid,
        consortium_id uuid,
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        secret_enc text NOT NULL,
        previous_secret_enc text,
        previous_secret_expires_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        disabled_at timestamptz,
        disabled_reason text,
        deleted_at timestamptz,
        CHECK ((owner_kind = 'provider') = (provider_id IS NOT NULL)),
        CHECK ((owner_kind = 'consortium') = (consortium_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoints_owner_idx ON webhook_endpoints(provider_id, consortium_id) WHERE deleted_at IS NULL`,
    );
    // how far the fan-out has followed the feed
    await q.query(`CREATE TABLE webhook_dispatch (name text PRIMARY KEY, position bigint NOT NULL)`);
    await q.query(`INSERT INTO webhook_dispatch (name, position) VALUES ('feed', 0)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id),
        feed_item_id uuid,
        message_id text NOT NULL UNIQUE,
        type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        redeliveries int NOT NULL DEFAULT 0,
        job_id text NOT NULL,
        next_attempt_at timestamptz,
        lease_until timestamptz,
        created_at timestamptz NOT NULL,
        retry_until timestamptz NOT NULL,
        completed_at timestamptz,
        last_error text,
        UNIQUE (endpoint_id, feed_item_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries(next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_leased_idx ON webhook_deliveries(endpoint_id, lease_until) WHERE status = 'delivering'`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries(endpoint_id, created_at DESC, id DESC)`,
    );
    await q.query(`
      CREATE TABLE webhook_attempts (
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id),
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms int NOT NULL,
        status_code int,
        outcome text NOT NULL,
        response_excerpt text,
        error text
      )`);
    await q.query(`CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts(delivery_id, started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_attempts`);
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_dispatch`);
    await q.query(`DROP TABLE IF EXISTS webhook_endpoints`);
    await q.query(`DROP TABLE IF EXISTS feed_items`);
  }
}
