import { MigrationInterface, QueryRunner } from 'typeorm';
import { CaseWaits1737200000000 } from './1737200000000-case-waits';

/**
 * `case_waits` rebuilt for a set of cases in one statement: `case_waits_refresh_all(cases)`.
 *
 * The rules are those of `case_waits_refresh` (migration 1737200000000), unchanged: the same
 * target rows for each case, the one-case query run LATERAL for each case of the set (`c.id =
 * k.id` where it had `c.id = p_case`), and the entries that went found per case of the set. A
 * batch of tender closes rebuilt its 50 cases by calling the one-case function 50 times, and each
 * call started and ended the executor of the whole plan (a dozen subplans) for one case: 0.31 ms
 * of PostgreSQL a case in a 10,000-close storm, the third largest statement of it
 * (docs/performance.md, eleventh pass). In set form the plan runs once for the batch.
 *
 * Per case, whatever the plan's estimates: the one-case query runs LATERAL for each case of the
 * set (behind OFFSET 0), and the case's seat and current declaration of each person are LATERAL
 * lookups (LIMIT 1: at most one of each), so each is an index probe of the case's rows. With the
 * set as a join (`c.id = ANY (p_cases)`) the planner read whole tables to join them to the set
 * (on a storm's data a merge join over every current declaration and a hash of every panel seat:
 * 24 ms for 40 cases), and plain joins inside the LATERAL query may be hashed the same way when
 * the tables are small (a new deployment's). Measured alone on the storm's data: 0.045 ms a case
 * in calls of 40 against 0.11-0.14 for one call a case, with the same rows (checked there on
 * 2,000 cases and on 5,000 of the P3 data, stale entries removed alike); a call for one case
 * (every request's) costs what the one-case function did.
 *
 * Planned once per connection (`SET plan_cache_mode = force_generic_plan` for the function's
 * statements): PostgreSQL would otherwise plan the statement again at every call, because its
 * generic plan is estimated for an array of unknown length and so costs more than a plan made for
 * the call's own array; planning this statement takes about 1.2 ms, ten times its execution for
 * one case.
 *
 * `case_waits_refresh(case)` stays, as the set form of one case.
 */
export class CaseWaitsSetForm1737500000000 implements MigrationInterface {
  name = 'CaseWaitsSetForm1737500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION case_waits_refresh_all(p_cases uuid[]) RETURNS void LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan AS $fn$
BEGIN
  WITH target (kind, waits_on, case_id) AS (
    SELECT t.kind, t.waits_on, t.case_id FROM unnest(p_cases) AS k(id) CROSS JOIN LATERAL (SELECT * FROM (
    SELECT 'person', m.person_id, c.id
      FROM cases c
      CROSS JOIN LATERAL (SELECT p.person_id FROM case_panel p WHERE p.case_id = c.id
                          UNION SELECT c.created_by) m(person_id)
      LEFT JOIN LATERAL (SELECT s.person_id FROM case_panel s
                          WHERE s.case_id = c.id AND s.person_id = m.person_id LIMIT 1) seat ON true
      LEFT JOIN LATERAL (SELECT d.id, d.mitigation FROM declarations d
                          WHERE d.case_id = c.id AND d.person_id = m.person_id AND d.superseded_at IS NULL
                          LIMIT 1) mine ON true
     WHERE c.id = k.id
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
     WHERE c.id = k.id
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
                                OR r.lodged_at >= (c.context->>'intentionPublishedAt')::timestamptz))))
    ) u OFFSET 0) t (kind, waits_on, case_id)),
  gone AS (
    DELETE FROM case_waits w
     WHERE w.case_id = ANY (p_cases)
       AND NOT EXISTS (SELECT 1 FROM target t WHERE t.case_id = w.case_id AND t.kind = w.kind AND t.waits_on = w.waits_on))
  INSERT INTO case_waits (kind, waits_on, case_id)
  SELECT kind, waits_on, case_id FROM target
  ON CONFLICT DO NOTHING;
END
$fn$`);
    await q.query(`CREATE OR REPLACE FUNCTION case_waits_refresh(p_case uuid) RETURNS void LANGUAGE plpgsql AS
      $fn$ BEGIN PERFORM case_waits_refresh_all(ARRAY[p_case]); END $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // the one-case function of migration 1737200000000, as it was
    await q.query(`DROP FUNCTION IF EXISTS case_waits_refresh(uuid)`);
    await q.query(`DROP FUNCTION IF EXISTS case_waits_refresh_all(uuid[])`);
    await new CaseWaits1737200000000().createRefresh(q);
  }
}
