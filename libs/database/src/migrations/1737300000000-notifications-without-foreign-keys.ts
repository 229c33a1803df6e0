import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications are written without foreign keys to `people` and `cases`.
 *
 * A foreign key check runs per inserted row and takes a FOR KEY SHARE lock on the referenced row.
 * A notice goes to the same few people on case after case (the case's governance officers, its
 * commissioner, its panel), from many transactions at once: each lock on a row another open
 * transaction already share-locks makes a new MultiXact, and every such lock is WAL-logged and
 * dirties the person's heap page. In a storm of tender closes (six notifications a close) the
 * batch's notification INSERT was the largest statement of PostgreSQL's time (docs/performance.md,
 * eleventh pass); without the two checks one such INSERT costs less than half, measured alone.
 *
 * What the keys guarded holds by construction: the only writers (`NotificationsRepository`) insert
 * a row per id found in `people` (a join in the same statement), and the case id is that of the
 * case whose change notifies, locked by the writing transaction. No person and no case is ever
 * deleted (a person leaves by losing roles, a case ends in a terminal state), so a notification
 * can never point at a row that is gone; `case_waits` is kept the same way.
 */
export class NotificationsWithoutForeignKeys1737300000000 implements MigrationInterface {
  name = 'NotificationsWithoutForeignKeys1737300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_person_id_fkey,
                                 DROP CONSTRAINT IF EXISTS notifications_case_id_fkey`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_person_id_fkey FOREIGN KEY (person_id) REFERENCES people(id),
                                 ADD CONSTRAINT notifications_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases(id)`,
    );
  }
}
