import { isoSql, jsonListSql } from '@makebuy/cases';
import type { AwardCheckRunEntity, FlagEntity } from './flag.entities';

/** A flag row as the case view reads it (instants as ISO strings). */
export type FlagViewRow = Omit<FlagEntity, 'createdAt' | 'resolvedAt'> & {
  createdAt: string;
  resolvedAt: string | null;
};

/** An award-check run row as the case view reads it (instants as ISO strings). */
export type AwardCheckRunViewRow = Omit<AwardCheckRunEntity, 'createdAt' | 'updatedAt' | 'completedAt'> & {
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
};

/** The reads of the case view's flags, over the case `c`: every flag, newest proposal first, then in the order raised. */
export function flagsViewSql(): string {
  return jsonListSql(
    `json_build_object('id', f.id, 'caseId', f.case_id, 'consortiumId', f.consortium_id, 'proposalSeq', f.proposal_seq,
       'code', f.code, 'severity', f.severity, 'status', f.status, 'summary', f.summary, 'evidence', f.evidence,
       'dedupeKey', f.dedupe_key, 'createdAt', ${isoSql('f.created_at')}, 'resolution', f.resolution,
       'justification', f.justification, 'resolvedBy', f.resolved_by, 'resolvedAt', ${isoSql('f.resolved_at')})
       ORDER BY f.proposal_seq DESC, f.created_at, f.dedupe_key`,
    `FROM flags f WHERE f.case_id = c.id`,
  );
}

/** The read of the case view's awardChecks, over the case `c`: the latest run (null before any proposal). */
export function latestRunViewSql(): string {
  return `(SELECT json_build_object('caseId', r.case_id, 'stageSeq', r.stage_seq, 'proposalSeq', r.proposal_seq,
      'status', r.status, 'attempts', r.attempts, 'lastError', r.last_error, 'createdAt', ${isoSql('r.created_at')},
      'updatedAt', ${isoSql('r.updated_at')}, 'completedAt', ${isoSql('r.completed_at')},
      'blockingFlags', r.blocking_flags, 'advisoryFlags', r.advisory_flags)
    FROM award_check_runs r WHERE r.case_id = c.id ORDER BY r.stage_seq DESC LIMIT 1)`;
}

/** The entity the row stands for, so the existing views (`toFlagView`) map it. */
export const flagOf = (f: FlagViewRow): FlagEntity => ({
  ...f,
  createdAt: new Date(f.createdAt),
  resolvedAt: f.resolvedAt === null ? null : new Date(f.resolvedAt),
});

/** The entity the row stands for, so the existing view (`toRunView`) maps it. */
export const awardCheckRunOf = (r: AwardCheckRunViewRow): AwardCheckRunEntity => ({
  ...r,
  createdAt: new Date(r.createdAt),
  updatedAt: new Date(r.updatedAt),
  completedAt: r.completedAt === null ? null : new Date(r.completedAt),
});
