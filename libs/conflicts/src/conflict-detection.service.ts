import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PolicyBook } from '@makebuy/domain';
import { Clock, POLICY_BOOK } from '@makebuy/settings';
import { DirectoryService } from '@makebuy/directory';
import { CasePanel } from '@makebuy/cases';
import { DeferredWrites } from '@makebuy/queue';
import { DetectedConflictEntity } from './conflicts.entities';
import { endedInterestCutoff } from './conflict.rules';

/**
 * Why a set of providers became relevant to a case: its consortium's member practices (from the
 * start), the providers a make decision names, the bidders once tendering closes (sealed before).
 */
export type DetectionReason = 'member_practices' | 'make_providers' | 'bidders_revealed';

/** A panel member's link to a provider: an affiliation in the directory or a register interest. */
export interface ConflictLink {
  personId: string;
  providerId: string;
  relationship: string | null;
  interestId: string | null;
  source: 'affiliation' | 'interest';
}

export const linkKey = (l: Pick<ConflictLink, 'personId' | 'providerId' | 'relationship' | 'interestId'>): string =>
  `${l.personId}|${l.providerId}|${l.relationship ?? ''}|${l.interestId ?? ''}`;

/**
 * The rule of a link, as SQL over three parameters (people, providers, the ended-interest cutoff):
 * affiliations, and register interests naming the provider not ended or ended on or after the cutoff.
 */
const linksSql = (people: string, providers: string, cutoff: string): string =>
  `SELECT a.person_id, a.provider_id, a.relationship::text AS relationship, NULL::uuid AS interest_id
     FROM affiliations a
    WHERE a.person_id = ANY(${people}::uuid[]) AND a.provider_id = ANY(${providers}::uuid[])
   UNION ALL
   SELECT i.person_id, i.provider_id, NULL::text, i.id
     FROM interests i
    WHERE i.person_id = ANY(${people}::uuid[]) AND i.provider_id = ANY(${providers}::uuid[])
      AND (i.ends_on IS NULL OR i.ends_on >= ${cutoff}::date)`;

/** Finds and records the links between a case's panel members and the providers relevant to it. */
@Injectable()
export class ConflictDetection {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly directory: DirectoryService,
    private readonly panel: CasePanel,
    private readonly clock: Clock,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
  ) {}

  /**
   * Records, in the caller's transaction, every link between the case's current panel members (or
   * the given ones among them) and `providerIds`: found and recorded in ONE statement by the rule
   * of `detect`, deferred where the transaction allows (a pure insert; anything the command reads
   * later is sent after it). Safe to repeat: a link is recorded once, with the reason it was first
   * detected for.
   */
  async recordDetectedConflicts(
    tx: EntityManager,
    caseId: string,
    providerIds: string[],
    reason: DetectionReason,
    opts: { personIds?: string[]; now?: Date; seated?: boolean } = {},
  ): Promise<void> {
    const now = opts.now ?? this.clock.now();
    // `seated`: the caller checked under the case lock that `personIds` sit on the panel
    const personIds =
      opts.seated && opts.personIds
        ? opts.personIds
        : await this.panel
            .memberIds(caseId, tx)
            .then((members) => (opts.personIds ? members.filter((p) => opts.personIds!.includes(p)) : members));
    if (!personIds.length || !providerIds.length) return;
    const cutoff = endedInterestCutoff(now, this.policy.register.endedInterestVisibleMonths);
    await DeferredWrites.write(
      tx,
      `INSERT INTO detected_conflicts (id, case_id, person_id, provider_id, relationship, interest_id, reason, detected_at)
       SELECT gen_random_uuid(), $1, l.person_id, l.provider_id, l.relationship, l.interest_id, $4, $5
         FROM (${linksSql('$2', '$3', '$6')}) l
       ON CONFLICT DO NOTHING`,
      [caseId, personIds, [...new Set(providerIds)], reason, now, cutoff],
    );
  }

  /**
   * Member practices of the case's consortium are relevant from the start: the links of `personIds`
   * (the current panel members among them, unless `seated` says the caller checked their seats under
   * the case lock) to those practices, found and recorded in ONE statement (the same rule as `detect`:
   * affiliations, and register interests not ended or ended within the visible period). Deferred where
   * the transaction allows (a pure insert; nothing in the command reads detected links back).
   */
  async recordMemberPracticeConflicts(
    tx: EntityManager,
    row: { id: string; consortiumId: string },
    personIds: string[] | undefined,
    now: Date,
    opts: { seated?: boolean } = {},
  ): Promise<void> {
    const members = await this.panel.memberIds(row.id, tx);
    const people =
      opts.seated && personIds ? personIds : personIds ? members.filter((p) => personIds.includes(p)) : members;
    if (!people.length) return;
    const cutoff = endedInterestCutoff(now, this.policy.register.endedInterestVisibleMonths);
    await DeferredWrites.write(
      tx,
      `INSERT INTO detected_conflicts (id, case_id, person_id, provider_id, relationship, interest_id, reason, detected_at)
       SELECT gen_random_uuid(), $1, l.person_id, l.provider_id, l.relationship, l.interest_id, 'member_practices', $4
         FROM (SELECT a.person_id, a.provider_id, a.relationship::text AS relationship, NULL::uuid AS interest_id
                 FROM affiliations a JOIN providers p ON p.id = a.provider_id
                WHERE a.person_id = ANY($2::uuid[]) AND p.member_of_consortium_id = $3
               UNION ALL
               SELECT i.person_id, i.provider_id, NULL::text, i.id
                 FROM interests i JOIN providers p ON p.id = i.provider_id
                WHERE i.person_id = ANY($2::uuid[]) AND p.member_of_consortium_id = $3
                  AND (i.ends_on IS NULL OR i.ends_on >= $5::date)) l
       ON CONFLICT DO NOTHING`,
      [row.id, people, row.consortiumId, now, cutoff],
    );
  }

  /**
   * Links between people and providers: affiliations, and register interests naming the provider
   * that have not ended, or ended within the period the public register still shows them.
   */
  async detect(
    personIds: string[],
    providerIds: string[],
    now: Date,
    tx: EntityManager = this.ds.manager,
  ): Promise<ConflictLink[]> {
    if (!personIds.length || !providerIds.length) return [];
    const cutoff = endedInterestCutoff(now, this.policy.register.endedInterestVisibleMonths);
    // affiliations and register interests in one statement on the caller's transaction
    const rows: {
      person_id: string;
      provider_id: string;
      relationship: string | null;
      interest_id: string | null;
    }[] = await tx.query(linksSql('$1', '$2', '$3'), [personIds, [...new Set(providerIds)], cutoff]);
    const links: ConflictLink[] = rows.map((r) =>
      r.interest_id === null
        ? {
            personId: r.person_id,
            providerId: r.provider_id,
            relationship: r.relationship,
            interestId: null,
            source: 'affiliation' as const,
          }
        : {
            personId: r.person_id,
            providerId: r.provider_id,
            relationship: null,
            interestId: r.interest_id,
            source: 'interest' as const,
          },
    );
    return links.sort((a, b) => (linkKey(a) < linkKey(b) ? -1 : 1));
  }

  /** Recorded links of a case (every reason). */
  recorded(caseId: string, tx: EntityManager = this.ds.manager): Promise<DetectedConflictEntity[]> {
    return tx.find(DetectedConflictEntity, { where: { caseId }, order: { detectedAt: 'ASC', id: 'ASC' } });
  }

  async memberPracticeIds(consortiumId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    return (await this.memberPractices(consortiumId, tx)).map((p) => p.id);
  }

  /** The consortium's member practices, with their names (the case view names them without another read). */
  async memberPractices(
    consortiumId: string,
    tx: EntityManager = this.ds.manager,
  ): Promise<{ id: string; name: string }[]> {
    const out: { id: string; name: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.directory.listProviders({ memberOfConsortiumId: consortiumId, limit: 200, cursor }, tx);
      out.push(...page.items.map((p) => ({ id: p.id, name: p.name })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }
}
