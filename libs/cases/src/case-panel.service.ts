import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { DeferredWrites } from '@makebuy/queue';
import { CasePanelEntity } from './case.entities';

/** The case a seat belongs to: the seat keeps the case's consortium (GET /cases reads it). */
export interface PanelCase {
  id: string;
  consortiumId: string;
}

/**
 * The panel of a case: its decision makers and evaluators.
 *
 * Inside a case transaction the panel is read once, with the case lock (`CasesRepository.lock`),
 * and kept for that transaction (`held`): membership checks, the quorum fact and notice audiences
 * ask it without a statement. A change made here drops it, so a later ask reads again.
 */
@Injectable()
export class CasePanel {
  /** member ids per case, per transaction, as read under that transaction's case lock */
  private readonly held = new WeakMap<EntityManager, Map<string, string[]>>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The panel as the lock read it (member ids, oldest seat first), kept for the rest of `tx`. */
  hold(tx: EntityManager, caseId: string, memberIds: string[]): void {
    let m = this.held.get(tx);
    if (!m) this.held.set(tx, (m = new Map()));
    m.set(caseId, memberIds);
  }

  private forget(tx: EntityManager, caseId: string): void {
    this.held.get(tx)?.delete(caseId);
  }

  /** Seats a person on the panel of `c` (its id and consortium). */
  async add(tx: EntityManager, c: PanelCase, personId: string, at: Date): Promise<boolean> {
    this.forget(tx, c.id);
    const rows: unknown[] = await tx.query(
      `INSERT INTO case_panel (case_id, person_id, added_at, consortium_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING person_id`,
      [c.id, personId, at, c.consortiumId],
    );
    return rows.length > 0;
  }

  /** Seats several people at once (a new case's panel): one statement, deferred (nothing reads it back first). */
  async addAll(tx: EntityManager, c: PanelCase, personIds: string[], at: Date): Promise<void> {
    if (!personIds.length) return;
    this.forget(tx, c.id);
    await DeferredWrites.write(
      tx,
      `INSERT INTO case_panel (case_id, person_id, added_at, consortium_id)
       SELECT $1, p, $3, $4 FROM unnest($2::uuid[]) AS p ON CONFLICT DO NOTHING`,
      [c.id, personIds, at, c.consortiumId],
    );
  }

  async remove(tx: EntityManager, caseId: string, personId: string): Promise<boolean> {
    this.forget(tx, caseId);
    const r = await tx.delete(CasePanelEntity, { caseId, personId });
    return (r.affected ?? 0) > 0;
  }

  async isMember(caseId: string, personId: string, tx: EntityManager = this.ds.manager): Promise<boolean> {
    const held = this.held.get(tx)?.get(caseId);
    if (held) return held.includes(personId);
    return tx.existsBy(CasePanelEntity, { caseId, personId });
  }

  /** Member ids, oldest seat first (the panel held under the case lock when there is one). */
  async memberIds(caseId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    const held = this.held.get(tx)?.get(caseId);
    if (held) return [...held];
    return (await this.members(caseId, tx)).map((m) => m.personId);
  }

  async members(caseId: string, tx: EntityManager = this.ds.manager): Promise<{ personId: string; addedAt: Date }[]> {
    const rows = await tx.find(CasePanelEntity, { where: { caseId }, order: { addedAt: 'ASC', personId: 'ASC' } });
    return rows.map((r) => ({ personId: r.personId, addedAt: r.addedAt }));
  }

  /** Which of these cases seat the person (one statement). */
  async seatedAmong(personId: string, caseIds: string[], tx: EntityManager = this.ds.manager): Promise<Set<string>> {
    if (!caseIds.length) return new Set();
    const rows = await tx.find(CasePanelEntity, { select: { caseId: true }, where: { personId, caseId: In(caseIds) } });
    return new Set(rows.map((r) => r.caseId));
  }

  async casesOf(personId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    const rows = await tx.find(CasePanelEntity, { where: { personId } });
    return rows.map((r) => r.caseId);
  }
}
