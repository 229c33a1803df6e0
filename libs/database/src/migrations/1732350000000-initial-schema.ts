import { MigrationInterface, QueryRunner } from 'typeorm';

/** The whole first schema: directory, cases with their audit chain and outbox, conflicts,
 * tendering, deadlines, flags, notifications and idempotency keys. */
export class InitialSchema1732350000000 implements MigrationInterface {
  name = 'InitialSchema1732350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    // directory
    await q.query(`CREATE TABLE consortia (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE providers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('gp_practice','nhs_trust','independent','social_enterprise')),
      member_of_consortium_id uuid NULL REFERENCES consortia(id),
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX providers_member_of_idx ON providers(member_of_consortium_id)`);
    await q.query(`CREATE TABLE people (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      email text NOT NULL,
      consortium_id uuid NULL REFERENCES consortia(id),
      provider_id uuid NULL REFERENCES providers(id),
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX people_email_uq ON people(lower(email))`);
    await q.query(`CREATE TABLE affiliations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id uuid NOT NULL REFERENCES people(id),
      provider_id uuid NOT NULL REFERENCES providers(id),
      relationship text NOT NULL CHECK (relationship IN ('partner','salaried_gp','director','shareholder','employee','family')),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (person_id, provider_id, relationship))`);
    await q.query(`CREATE INDEX affiliations_provider_idx ON affiliations(provider_id)`);

    // register of interests
    await q.query(`CREATE TABLE interests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id uuid NOT NULL REFERENCES people(id),
      category text NOT NULL CHECK (category IN ('financial','non_financial_professional','non_financial_personal','indirect')),
      provider_id uuid NULL REFERENCES providers(id),
      description text NOT NULL,
      starts_on date NOT NULL,
      ends_on date NULL,
      declared_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on IS NULL OR ends_on >= starts_on))`);
    await q.query(`CREATE INDEX interests_person_idx ON interests(person_id)`);
    await q.query(`CREATE TABLE nil_returns (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id uuid NOT NULL REFERENCES people(id),
      declared_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX nil_returns_person_idx ON nil_returns(person_id, declared_at DESC)`);
    await q.query(`CREATE TABLE annual_declaration_status (
      person_id uuid PRIMARY KEY REFERENCES people(id),
      last_declared_at timestamptz NULL,
      overdue_since timestamptz NULL,
      reminded_at timestamptz NULL,
      checked_at timestamptz NOT NULL DEFAULT now())`);

    // cases
    await q.query(`CREATE TABLE cases (
      id uuid PRIMARY KEY,
      ocid text NOT NULL UNIQUE,
      title text NOT NULL,
      service_name text NOT NULL,
      consortium_id uuid NOT NULL REFERENCES consortia(id),
      from_setting text NOT NULL,
      to_setting text NOT NULL,
      estimated_annual_value numeric(14,2) NOT NULL,
      currency text NOT NULL DEFAULT 'GBP',
      term_months integer NOT NULL,
      track text NOT NULL CHECK (track IN ('fast','standard')),
      created_by uuid NOT NULL REFERENCES people(id),
      state text NOT NULL,
      state_value jsonb NOT NULL,
      context jsonb NOT NULL,
      snapshot jsonb NOT NULL,
      machine_version integer NOT NULL,
      version integer NOT NULL DEFAULT 1,
      needs_migration boolean NOT NULL DEFAULT false,
      migration_error text NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX cases_state_idx ON cases(state)`);
    await q.query(`CREATE INDEX cases_consortium_idx ON cases(consortium_id, created_at, id)`);
    await q.query(`CREATE INDEX cases_created_idx ON cases(created_at, id)`);
    await q.query(`CREATE TABLE case_panel (
      case_id uuid NOT NULL REFERENCES cases(id),
      person_id uuid NOT NULL REFERENCES people(id),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, person_id))`);
    await q.query(`CREATE INDEX case_panel_person_idx ON case_panel(person_id)`);
    await q.query(`CREATE TABLE case_events (
      case_id uuid NOT NULL REFERENCES cases(id),
      seq integer NOT NULL,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      type text NOT NULL,
      from_state text NULL,
      to_state text NOT NULL,
      payload jsonb NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (case_id, seq))`);
    // the audit log is append-only: the application role can neither change nor delete a row
    await q.query(`CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$`);
    await q.query(`CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
      FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`);
    await q.query(`CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      case_id uuid NULL,
      topic text NOT NULL,
      job_id text NOT NULL,
      payload jsonb NOT NULL,
      delay_until timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text NULL)`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox(id) WHERE published_at IS NULL`);
    await q.query(`CREATE TABLE idempotency_keys (
      actor text NOT NULL,
      key text NOT NULL,
      method text NOT NULL,
      path text NOT NULL,
      body_hash text NOT NULL,
      status_code integer NULL,
      response jsonb NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (actor, key))`);

    // conflicts
    await q.query(`CREATE TABLE declarations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      person_id uuid NOT NULL REFERENCES people(id),
      interest_ids uuid[] NOT NULL DEFAULT '{}',
      nil_return boolean NOT NULL,
      declared_at timestamptz NOT NULL,
      mitigation text NULL CHECK (mitigation IN ('none','exclude_from_decision','exclude_from_evaluation','exclude_entirely')),
      review_note text NULL,
      reviewed_by uuid NULL REFERENCES people(id),
      reviewed_at timestamptz NULL,
      superseded_at timestamptz NULL)`);
    await q.query(
      `CREATE UNIQUE INDEX declarations_current_uq ON declarations(case_id, person_id) WHERE superseded_at IS NULL`,
    );
    await q.query(`CREATE INDEX declarations_person_idx ON declarations(person_id, declared_at DESC)`);
    await q.query(`CREATE TABLE detected_conflicts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      person_id uuid NOT NULL REFERENCES people(id),
      provider_id uuid NOT NULL REFERENCES providers(id),
      relationship text NULL,
      interest_id uuid NULL REFERENCES interests(id),
      reason text NOT NULL,
      detected_at timestamptz NOT NULL)`);
    await q.query(
      `CREATE UNIQUE INDEX detected_conflicts_uq ON detected_conflicts(case_id, person_id, provider_id, coalesce(relationship, ''), coalesce(interest_id, '00000000-0000-0000-0000-000000000000'::uuid))`,
    );

    // tendering
    await q.query(`CREATE TABLE questions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      provider_id uuid NOT NULL REFERENCES providers(id),
      asked_by uuid NOT NULL REFERENCES people(id),
      text text NOT NULL,
      asked_at timestamptz NOT NULL,
      answer text NULL,
      answered_by uuid NULL REFERENCES people(id),
      answered_at timestamptz NULL)`);
    await q.query(`CREATE INDEX questions_case_idx ON questions(case_id, asked_at)`);
    await q.query(`CREATE TABLE bids (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      provider_id uuid NOT NULL REFERENCES providers(id),
      submitted_by uuid NOT NULL REFERENCES people(id),
      price_amount numeric(14,2) NOT NULL,
      currency text NOT NULL DEFAULT 'GBP',
      responses jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('submitted','withdrawn','closed')),
      revision integer NOT NULL DEFAULT 1,
      submitted_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      withdrawn_at timestamptz NULL)`);
    await q.query(
      `CREATE UNIQUE INDEX bids_one_live_per_provider_uq ON bids(case_id, provider_id) WHERE status = 'submitted'`,
    );
    await q.query(`CREATE INDEX bids_provider_idx ON bids(provider_id)`);
    await q.query(`CREATE TABLE bid_revisions (
      bid_id uuid NOT NULL REFERENCES bids(id),
      revision integer NOT NULL,
      action text NOT NULL,
      price_amount numeric(14,2) NOT NULL,
      responses jsonb NOT NULL,
      at timestamptz NOT NULL,
      by_person uuid NOT NULL REFERENCES people(id),
      PRIMARY KEY (bid_id, revision))`);
    await q.query(`CREATE TABLE scores (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      bid_id uuid NOT NULL REFERENCES bids(id),
      evaluator_id uuid NOT NULL REFERENCES people(id),
      scores jsonb NOT NULL,
      comment text NOT NULL DEFAULT '',
      scored_at timestamptz NOT NULL,
      UNIQUE (bid_id, evaluator_id))`);
    await q.query(`CREATE INDEX scores_case_idx ON scores(case_id)`);
    await q.query(`CREATE TABLE representations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      provider_id uuid NOT NULL REFERENCES providers(id),
      lodged_by uuid NOT NULL REFERENCES people(id),
      text text NOT NULL,
      lodged_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('open','upheld','not_upheld')),
      response text NULL,
      resolved_by uuid NULL REFERENCES people(id),
      resolved_at timestamptz NULL)`);
    await q.query(`CREATE INDEX representations_case_idx ON representations(case_id)`);
    await q.query(`CREATE TABLE awards (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL UNIQUE REFERENCES cases(id),
      consortium_id uuid NOT NULL REFERENCES consortia(id),
      provider_ids uuid[] NOT NULL,
      bid_id uuid NULL REFERENCES bids(id),
      value_amount numeric(14,2) NOT NULL,
      route text NOT NULL,
      awarded_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX awards_consortium_idx ON awards(consortium_id, awarded_at)`);

    // deadlines: the source of truth for every timer
    await q.query(`CREATE TABLE deadlines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      kind text NOT NULL,
      purpose text NOT NULL CHECK (purpose IN ('transition','reminder')),
      stage_seq integer NOT NULL,
      revision integer NOT NULL DEFAULT 0,
      due_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('pending','fired','cancelled','superseded')),
      job_id text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      settled_at timestamptz NULL,
      enqueued_at timestamptz NULL,
      outcome text NULL)`);
    await q.query(`CREATE INDEX deadlines_pending_due_idx ON deadlines(due_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deadlines_case_idx ON deadlines(case_id)`);
    await q.query(`CREATE TABLE escalations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      deadline_id uuid NOT NULL UNIQUE REFERENCES deadlines(id),
      stage text NOT NULL,
      due_at timestamptz NOT NULL,
      breached_at timestamptz NOT NULL,
      escalated_to uuid[] NOT NULL DEFAULT '{}')`);

    // flags
    await q.query(`CREATE TABLE flags (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      consortium_id uuid NOT NULL REFERENCES consortia(id),
      proposal_seq integer NOT NULL,
      code text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('blocking','advisory')),
      status text NOT NULL CHECK (status IN ('open','accepted','upheld')),
      summary text NOT NULL,
      evidence jsonb NOT NULL,
      dedupe_key text NOT NULL,
      created_at timestamptz NOT NULL,
      resolution text NULL,
      justification text NULL,
      resolved_by uuid NULL REFERENCES people(id),
      resolved_at timestamptz NULL,
      UNIQUE (case_id, dedupe_key))`);
    await q.query(`CREATE INDEX flags_status_idx ON flags(status, code)`);
    await q.query(`CREATE TABLE award_check_runs (
      case_id uuid NOT NULL REFERENCES cases(id),
      stage_seq integer NOT NULL,
      proposal_seq integer NOT NULL,
      status text NOT NULL CHECK (status IN ('running','failed','done')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, stage_seq))`);

    // notifications
    await q.query(`CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id uuid NOT NULL REFERENCES people(id),
      case_id uuid NULL REFERENCES cases(id),
      kind text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}',
      dedupe_key text NOT NULL,
      created_at timestamptz NOT NULL,
      read_at timestamptz NULL,
      UNIQUE (person_id, dedupe_key))`);
    await q.query(`CREATE INDEX notifications_person_idx ON notifications(person_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'notifications',
      'award_check_runs',
      'flags',
      'escalations',
      'deadlines',
      'awards',
      'representations',
      'scores',
      'bid_revisions',
      'bids',
      'questions',
      'detected_conflicts',
      'declarations',
      'idempotency_keys',
      'outbox',
      'case_events',
      'case_panel',
      'cases',
      'annual_declaration_status',
      'nil_returns',
      'interests',
      'affiliations',
      'people',
      'providers',
      'consortia',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS case_events_append_only()`);
  }
}
