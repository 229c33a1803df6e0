import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { DomainError, InterestCategory, InterestFacts, PolicyBook } from '@makebuy/domain';
import { Clock, POLICY_BOOK } from '@makebuy/settings';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { DirectoryService, PersonEntity } from '@makebuy/directory';
import { InterestEntity, NilReturnEntity } from './conflicts.entities';
import { checkInterestDates, endedInterestCutoff } from './conflict.rules';
import { AnnualDeclarationsService } from './annual-declarations.service';

export interface DeclareInterestInput {
  category: InterestCategory;
  providerId?: string | null;
  description: string;
  startsOn: string;
  endsOn?: string | null;
}

export interface InterestView {
  id: string;
  personId: string;
  category: InterestCategory;
  providerId: string | null;
  /** the provider's name */
  organisation: string | null;
  description: string;
  startsOn: string;
  endsOn: string | null;
  declaredAt: string;
}

export interface PublicInterestView {
  id: string;
  name: string;
  role: string;
  category: InterestCategory;
  organisation: string | null;
  description: string;
  startsOn: string;
  endsOn: string | null;
  declaredAt: string;
}

/** A register interest as the award checks see it. */
export interface RegisterInterestFacts extends InterestFacts {
  description: string;
}

export interface NilReturnView {
  id: string;
  personId: string;
  declaredAt: string;
}

/** A public label for the person's part in commissioning, from their directory record. */
export const publicRoleOf = (p: Pick<PersonEntity, 'providerId'>): string =>
  p.providerId ? 'provider representative' : 'commissioner/decision maker';

/** The register of interests: each person declares their own; the public reads it without signing in. */
@Injectable()
export class InterestsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly directory: DirectoryService,
    private readonly annual: AnnualDeclarationsService,
    private readonly clock: Clock,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
  ) {}

  async declareInterest(personId: string | null, input: DeclareInterestInput): Promise<InterestView> {
    const declarer = await this.requireDeclarer(personId);
    checkInterestDates(input.startsOn, input.endsOn);
    const provider = input.providerId ? await this.requireProvider(input.providerId) : null;
    const now = this.clock.now();
    const row = await this.ds.transaction(async (tx) => {
      const r = tx.create(InterestEntity, {
        id: randomUUID(),
        personId: declarer,
        category: input.category,
        providerId: provider?.id ?? null,
        description: input.description,
        startsOn: input.startsOn,
        endsOn: input.endsOn ?? null,
        declaredAt: now,
      });
      await tx.insert(InterestEntity, r);
      await this.annual.markDeclared(tx, declarer, now);
      return r;
    });
    return this.toView(row, new Map(provider ? [[provider.id, provider.name]] : []));
  }

  async recordNilReturn(personId: string | null): Promise<NilReturnView> {
    const declarer = await this.requireDeclarer(personId);
    const now = this.clock.now();
    const row = await this.ds.transaction(async (tx) => {
      const r = tx.create(NilReturnEntity, { id: randomUUID(), personId: declarer, declaredAt: now });
      await tx.insert(NilReturnEntity, r);
      await this.annual.markDeclared(tx, declarer, now);
      return r;
    });
    return { id: row.id, personId: row.personId, declaredAt: row.declaredAt.toISOString() };
  }

  /** The caller's own register entries, ended ones included. */
  async listOwn(personId: string | null, q: { limit: number; cursor?: string }): Promise<Page<InterestView>> {
    const declarer = await this.requireDeclarer(personId);
    const qb = this.ds
      .getRepository(InterestEntity)
      .createQueryBuilder('i')
      .where('i.person_id = :p', { p: declarer })
      .orderBy('i.declared_at', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(q.limit + 1);
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(i.declared_at, i.id) > (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, cursorOf);
    const names = await this.providerNames(page.items);
    return { items: page.items.map((i) => this.toView(i, names)), nextCursor: page.nextCursor };
  }

  /**
   * The public register: everyone's interests, without contact details. An interest that ended
   * more than `register.endedInterestVisibleMonths` months ago is no longer shown.
   */
  async publicRegister(q: { limit: number; cursor?: string; providerId?: string }): Promise<Page<PublicInterestView>> {
    const cutoff = endedInterestCutoff(this.clock.now(), this.policy.register.endedInterestVisibleMonths);
    const qb = this.ds
      .getRepository(InterestEntity)
      .createQueryBuilder('i')
      .where(new Brackets((w) => w.where('i.ends_on IS NULL').orWhere('i.ends_on >= :cutoff', { cutoff })))
      .orderBy('i.declared_at', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(q.limit + 1);
    if (q.providerId) qb.andWhere('i.provider_id = :prov', { prov: q.providerId });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(i.declared_at, i.id) > (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, cursorOf);
    const [names, people] = await Promise.all([
      this.providerNames(page.items),
      this.directory.findPeople([...new Set(page.items.map((i) => i.personId))]),
    ]);
    const byId = new Map(people.map((p) => [p.id, p]));
    return {
      items: page.items.map((i) => {
        const person = byId.get(i.personId);
        return {
          id: i.id,
          name: person?.name ?? 'unknown',
          role: person ? publicRoleOf(person) : 'unknown',
          category: i.category,
          organisation: i.providerId ? (names.get(i.providerId) ?? null) : null,
          description: i.description,
          startsOn: i.startsOn,
          endsOn: i.endsOn,
          declaredAt: i.declaredAt.toISOString(),
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /** Register interests of the given people (all of them, ended ones too): facts for the award checks. */
  async interestsOf(personIds: string[], tx: EntityManager = this.ds.manager): Promise<RegisterInterestFacts[]> {
    if (!personIds.length) return [];
    const rows = await tx.find(InterestEntity, { where: { personId: In(personIds) }, order: { id: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      personId: r.personId,
      providerId: r.providerId,
      category: r.category,
      description: r.description,
    }));
  }

  /** Interests by id (any owner), for showing what a declaration names. */
  async byIds(ids: string[], tx: EntityManager = this.ds.manager): Promise<InterestView[]> {
    if (!ids.length) return [];
    const rows = await tx.find(InterestEntity, { where: { id: In(ids) } });
    const names = await this.providerNames(rows, tx);
    return rows.map((r) => this.toView(r, names));
  }

  /** Names of the providers the interests name; inside a transaction, read through its `tx`. */
  private async providerNames(rows: { providerId: string | null }[], tx?: EntityManager): Promise<Map<string, string>> {
    const ids = [...new Set(rows.flatMap((r) => (r.providerId ? [r.providerId] : [])))];
    const providers = await this.directory.findProviders(ids, tx);
    return new Map(providers.map((p) => [p.id, p.name]));
  }

  private toView(i: InterestEntity, names: Map<string, string>): InterestView {
    return {
      id: i.id,
      personId: i.personId,
      category: i.category,
      providerId: i.providerId,
      organisation: i.providerId ? (names.get(i.providerId) ?? null) : null,
      description: i.description,
      startsOn: i.startsOn,
      endsOn: i.endsOn,
      declaredAt: i.declaredAt.toISOString(),
    };
  }

  /** Declarations are made by people in the directory (an admin token without one cannot). */
  private async requireDeclarer(personId: string | null): Promise<string> {
    if (!personId) throw new DomainError('FORBIDDEN', 'only a person in the directory can declare interests');
    return personId;
  }

  private async requireProvider(id: string) {
    const [p] = await this.directory.findProviders([id]);
    if (!p)
      throw new DomainError('VALIDATION_FAILED', `providerId: provider ${id} does not exist`, {
        errors: [{ field: 'providerId', message: 'unknown provider' }],
      });
    return p;
  }
}

const cursorOf = (i: InterestEntity) => ({ t: i.declaredAt.toISOString(), id: i.id });
