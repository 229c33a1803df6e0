import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `case_waits`: whom each open case waits on, kept in the transaction of every change of the case
 * (under its lock) by `case_waits_refresh(case)`, so `GET /cases?awaiting=me` reads a person's
 * entries from an index instead of running the rules over every case they could be waited on for
 * (a panel member of 2,000 cases: 800 candidates and their rules, 20-30 ms of PostgreSQL a page).
 *
 * A row is (`kind` 'person', `waits_on` a person) or (`kind` 'governance', `waits_on` the case's
 * consortium: the governance officers who serve it, or every consortium). The rules are those of
 * `CaseObligations` (the worklist e2e checks the two agree at every step of a case):
 * - conflict_check: a panel member with no current declaration; governance while a current
 *   declaration is unreviewed, and once nobody is missing one (to complete the check);
 * - route_decision: a panel member not excluded from decisions;
 * - tendering: the creator and the panel while a question is unanswered;
 * - evaluation: an evaluator not excluded from evaluation with a live bid they have not scored;
 *   once every such evaluator scored every live bid, the decision makers (to propose the award);
 * - governance_review: governance; standstill: governance while a representation of the current
 *   standstill is open.
 *
 * Derived data, brought back to what the case's own rows say at each change, writing only the
 * entries that came or went (an event that moves nobody leaves no dead row and no index entry
 * behind). It costs about 0.2 ms of PostgreSQL an event on its own, the largest statement of a case
 * event under load (docs/performance.md, seventh pass). No foreign keys (a check per inserted row
 * on every case event); a row of a case that no longer exists matches no case.
 */
export class CaseWaits1737200000000 implements MigrationInterface {
  name = 'CaseWaits1737200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_waits (
      kind text NOT NULL CHECK (kind IN ('person', 'governance')),
      waits_on uuid NOT NULL,
      case_id uuid NOT NULL,
      PRIMARY KEY (kind, waits_on, case_id))`);
    await q.query(`CREATE INDEX case_waits_case_idx ON case_waits (case_id)`);
    await this.createRefresh(q);
    await q.query(
      `SELECT case_waits_refresh(id) FROM cases
        WHERE state IN ('conflict_check', 'route_decision', 'tendering', 'evaluation', 'governance_review', 'standstill')`,
    );
  }

  /** `case_waits_refresh(case)` as this migration made it (CaseWaitsSetForm1737500000000 puts it back on its way down). */
  async createRefresh(q: QueryRunner): Promise<void> {
    // plpgsql: its statements are planned once per connection (an SQL function is planned per call)
    await q.query(`CREATE FUNCTION case_waits_refresh(p_case uuid) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  -- only what changed is written: entries that stay are left alone (no dead row, no index entry),
  -- those that go are deleted and the new ones inserted, in one statement on one snapshot
  WITH target (kind, waits_on, case_id) AS (
    SELECT 'person', m.person_id, c.id
      FROM cases c
      CROSS JOIN LATERAL (SELECT p.person_id FROM case_panel p WHERE p.case_id = c.id
                          UNION SELECT c.created_by) m(person_id)
      LEFT JOIN case_panel seat ON seat.case_id = c.id AND seat.person_id = m.person_id
      LEFT JOIN declarations mine ON mine.case_id = c.id AND mine.person_id = m.person_id
                                 AND mine.superseded_at IS NULL
     WHERE c.id = p_case
       AND ((c.state = 'conflict_check' AND seat.person_id IS NOT NULL AND mine.id IS NULL)
         OR (c.state = 'route_decision' AND seat.person_id IS NOT NULL
             AND (mine.mitigation IS NULL OR mine.mitigation NOT IN ('exclude_from_decision', 'exclude_entirely')))
         OR (c.state = 'tendering' AND (c.created_by = m.person_id OR seat.person_id IS NOT NULL)
             AND EXISTS (SELECT 1 FROM questions q WHERE q.case_id = c.id AND q.answer IS NULL))
         OR (c.state = 'evaluation' AND seat.person_id IS NOT NULL
             AND (((mine.mitigation IS NULL OR mine.mitigation NOT IN ('exclude_from_evaluation', 'exclude_entirely'))
                   AND EXISTS (SELECT 1 FROM bids b WHERE b.case_id = c.id AND b.status = 'submitted'
                                AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.case_id = c.id AND s.bid_id = b.id
                                                  AND s.evaluator_id = m.person_id)))
               OR ((mine.mitigation IS NULL OR mine.mitigation NOT IN ('exclude_from_decision', 'exclude_entirely'))
                   AND EXISTS (SELECT 1 FROM bids b WHERE b.case_id = c.id AND b.status = 'submitted')
                   AND EXISTS (SELECT 1 FROM case_panel p
                                 LEFT JOIN declarations d ON d.case_id = p.case_id AND d.person_id = p.person_id
                                                         AND d.superseded_at IS NULL
                                WHERE p.case_id = c.id
                                  AND (d.mitigation IS NULL OR d.mitigation NOT IN ('exclude_from_evaluation', 'exclude_entirely')))
                   AND NOT EXISTS (SELECT 1 FROM case_panel p
                                     LEFT JOIN declarations d ON d.case_id = p.case_id AND d.person_id = p.person_id
                                                             AND d.superseded_at IS NULL
                                     JOIN bids b ON b.case_id = c.id AND b.status = 'submitted'
                                    WHERE p.case_id = c.id
                                      AND (d.mitigation IS NULL OR d.mitigation NOT IN ('exclude_from_evaluation', 'exclude_entirely'))
                                      AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.case_id = c.id AND s.bid_id = b.id
                                                        AND s.evaluator_id = p.person_id))))))
    UNION ALL
    SELECT 'governance', c.consortium_id, c.id
      FROM cases c
     WHERE c.id = p_case
       AND ((c.state = 'conflict_check'
             AND (EXISTS (SELECT 1 FROM case_panel p JOIN declarations d ON d.case_id = p.case_id AND d.person_id = p.person_id
                           WHERE p.case_id = c.id AND d.superseded_at IS NULL AND d.mitigation IS NULL)
               OR NOT EXISTS (SELECT 1 FROM case_panel p WHERE p.case_id = c.id
                                 AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.case_id = p.case_id
                                                   AND d.person_id = p.person_id AND d.superseded_at IS NULL))))
         OR c.state = 'governance_review'
         OR (c.state = 'standstill'
             AND EXISTS (SELECT 1 FROM representations r WHERE r.case_id = c.id AND r.status = 'open'
                           AND (c.context->>'intentionPublishedAt' IS NULL
                                OR r.lodged_at >= (c.context->>'intentionPublishedAt')::timestamptz))))),
  gone AS (
    DELETE FROM case_waits w
     WHERE w.case_id = p_case
       AND NOT EXISTS (SELECT 1 FROM target t WHERE t.kind = w.kind AND t.waits_on = w.waits_on))
  INSERT INTO case_waits (kind, waits_on, case_id)
  SELECT kind, waits_on, case_id FROM target
  ON CONFLICT DO NOTHING;
END
$fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS case_waits_refresh(uuid)`);
    await q.query(`DROP TABLE IF EXISTS case_waits`);
  }
}
