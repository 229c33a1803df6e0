import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, ObjectLiteral, Repository } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { pgCode, PG_UNIQUE_VIOLATION } from '@makebuy/database';
import {
  AffiliationEntity,
  ConsortiumEntity,
  DirectoryRole,
  PersonEntity,
  PostalAddress,
  ProviderEntity,
  ProviderKind,
  Relationship,
} from './directory.entities';
import { Page, pageOf, decodeCursor } from '@makebuy/database';
import { PersonCache } from './person-cache';

/** A person's roles must fit their record: provider users hold `provider` and nothing else. */
export function personRolesProblem(roles: readonly DirectoryRole[], providerId: string | null): string | null {
  if (providerId && roles.some((r) => r !== 'provider'))
    return 'a person with a providerId may hold only the provider role';
  if (!providerId && roles.includes('provider')) return 'the provider role needs a providerId';
  return null;
}

/** Roles of a person created without any: the same rule that migrated the v1 directory. */
export function defaultRoles(p: { consortiumId?: string | null; providerId?: string | null }): DirectoryRole[] {
  return p.providerId ? ['provider'] : p.consortiumId ? ['commissioner'] : [];
}

export interface PersonPatch {
  name?: string;
  email?: string;
  consortiumId?: string | null;
  roles?: DirectoryRole[];
}

/** Who lists the directory: admins and governance see everyone, commissioners their own consortium. */
export interface DirectoryReader {
  roles: readonly string[];
  consortiumId: string | null;
}

const PERSON_COLUMNS = `id, name, email, consortium_id, provider_id, roles, created_at`;

interface PersonRowSql {
  id: string;
  name: string;
  email: string;
  consortium_id: string | null;
  provider_id: string | null;
  roles: DirectoryRole[];
  created_at: Date;
}

/** A raw `people` row as the entity (the hot paths read people raw: a TypeORM find costs several times the CPU). */
function personOf(r: PersonRowSql): PersonEntity {
  return Object.assign(new PersonEntity(), {
    id: r.id,
    name: r.name,
    email: r.email,
    consortiumId: r.consortium_id,
    providerId: r.provider_id,
    roles: r.roles,
    createdAt: r.created_at,
  });
}

/** The injected repository, or the same entity's through the caller's transaction (inside one, read only through it). */
function repo<T extends ObjectLiteral>(
  own: Repository<T>,
  entity: new () => T,
  tx: EntityManager | undefined,
): Repository<T> {
  return tx ? tx.getRepository(entity) : own;
}

/**
 * The directory: consortia, providers, people and their affiliations. Reads that a case
 * transaction needs take its `tx`.
 */
@Injectable()
export class DirectoryService {
  constructor(
    @InjectRepository(ConsortiumEntity) private readonly consortia: Repository<ConsortiumEntity>,
    @InjectRepository(ProviderEntity) private readonly providers: Repository<ProviderEntity>,
    @InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>,
    @InjectRepository(AffiliationEntity) private readonly affiliations: Repository<AffiliationEntity>,
    private readonly cache: PersonCache,
  ) {}

  createConsortium(input: { name: string }): Promise<ConsortiumEntity> {
    return this.consortia.save(this.consortia.create({ name: input.name }));
  }

  /** Consortia read in a transaction, kept for it (a case event's notices and releases name the same one). */
  private readonly consortiaIn = new WeakMap<EntityManager, Map<string, Promise<ConsortiumEntity | null>>>();

  private consortiumIn(id: string, tx: EntityManager): Promise<ConsortiumEntity | null> {
    let m = this.consortiaIn.get(tx);
    if (!m) this.consortiaIn.set(tx, (m = new Map()));
    let c = m.get(id);
    if (!c) {
      c = tx
        .query(`SELECT id, name, created_at FROM consortia WHERE id = $1`, [id])
        .then((rows: { id: string; name: string; created_at: Date }[]) =>
          rows.length
            ? Object.assign(new ConsortiumEntity(), {
                id: rows[0].id,
                name: rows[0].name,
                createdAt: rows[0].created_at,
              })
            : null,
        );
      m.set(id, c);
      c.catch(() => m!.delete(id));
    }
    return c;
  }

  /** A consortium's name (null when unknown), through the caller's transaction when given. */
  async consortiumName(id: string, tx?: EntityManager): Promise<string | null> {
    if (tx?.queryRunner) return (await this.consortiumIn(id, tx))?.name ?? null;
    return (await (tx ?? this.consortia.manager).findOneBy(ConsortiumEntity, { id }))?.name ?? null;
  }

  /**
   * What raising a case checks of the directory, in one statement: whether the consortium exists,
   * and the people named for the panel.
   */
  async consortiumAndPeople(
    consortiumId: string,
    personIds: string[],
  ): Promise<{ consortium: boolean; people: PersonEntity[] }> {
    const rows: (PersonRowSql & { consortium: boolean })[] = await this.people.manager.query(
      `SELECT EXISTS (SELECT 1 FROM consortia WHERE id = $1) AS consortium, p.*
         FROM (SELECT 1) one
         LEFT JOIN (SELECT ${PERSON_COLUMNS} FROM people WHERE id = ANY($2::uuid[])) p ON true`,
      [consortiumId, personIds],
    );
    return { consortium: rows[0].consortium, people: rows.filter((r) => r.id !== null).map(personOf) };
  }

  async getConsortium(id: string): Promise<ConsortiumEntity> {
    const c = await this.consortia.findOneBy({ id });
    if (!c) throw new DomainError('NOT_FOUND', `consortium ${id} not found`);
    return c;
  }

  async createProvider(input: {
    name: string;
    kind: ProviderKind;
    memberOfConsortiumId?: string | null;
    address?: PostalAddress | null;
    odsCode?: string | null;
    companiesHouseNumber?: string | null;
  }): Promise<ProviderEntity> {
    if (input.memberOfConsortiumId) await this.requireConsortium(input.memberOfConsortiumId, 'memberOfConsortiumId');
    return this.providers.save(
      this.providers.create({
        name: input.name,
        kind: input.kind,
        memberOfConsortiumId: input.memberOfConsortiumId ?? null,
        address: input.address
          ? {
              streetAddress: input.address.streetAddress,
              locality: input.address.locality,
              ...(input.address.region ? { region: input.address.region } : {}),
              postalCode: input.address.postalCode.toUpperCase(),
              countryName: input.address.countryName,
            }
          : null,
        odsCode: input.odsCode ?? null,
        companiesHouseNumber: input.companiesHouseNumber ?? null,
      }),
    );
  }

  async listProviders(
    q: {
      memberOfConsortiumId?: string;
      kind?: ProviderKind;
      limit: number;
      cursor?: string;
    },
    tx?: EntityManager,
  ): Promise<Page<ProviderEntity>> {
    const qb = repo(this.providers, ProviderEntity, tx)
      .createQueryBuilder('p')
      .orderBy('p.created_at')
      .addOrderBy('p.id')
      .limit(q.limit + 1);
    if (q.memberOfConsortiumId) qb.andWhere('p.member_of_consortium_id = :c', { c: q.memberOfConsortiumId });
    if (q.kind) qb.andWhere('p.kind = :k', { k: q.kind });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(p.created_at, p.id) > (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (p) => ({ t: p.createdAt.toISOString(), id: p.id }));
  }

  async getProvider(id: string): Promise<ProviderEntity> {
    const p = await this.providers.findOneBy({ id });
    if (!p) throw new DomainError('NOT_FOUND', `provider ${id} not found`);
    return p;
  }

  findProviders(ids: string[], tx?: EntityManager): Promise<ProviderEntity[]> {
    return ids.length ? repo(this.providers, ProviderEntity, tx).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  async createPerson(input: {
    name: string;
    email: string;
    consortiumId?: string | null;
    providerId?: string | null;
    roles?: DirectoryRole[];
  }): Promise<PersonEntity> {
    const roles = [...new Set(input.roles ?? defaultRoles(input))];
    requireRolesFit(roles, input.providerId ?? null);
    if (input.consortiumId) await this.requireConsortium(input.consortiumId, 'consortiumId');
    if (input.providerId) await this.requireProvider(input.providerId, 'providerId');
    const saved = await this.uniqueEmail(input.email, () =>
      this.people.save(
        this.people.create({
          name: input.name,
          email: input.email,
          consortiumId: input.consortiumId ?? null,
          providerId: input.providerId ?? null,
          roles,
        }),
      ),
    );
    this.cache.forget(saved.id);
    return saved;
  }

  /** PATCH /people/{id}: roles, consortiumId, name, email; the invariants hold for the result. */
  async updatePerson(id: string, patch: PersonPatch): Promise<PersonEntity> {
    const p = await this.getPerson(id);
    const roles = patch.roles ? [...new Set(patch.roles)] : p.roles;
    requireRolesFit(roles, p.providerId);
    if (patch.consortiumId) await this.requireConsortium(patch.consortiumId, 'consortiumId');
    const changes: Partial<PersonEntity> = { roles };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.email !== undefined) changes.email = patch.email;
    if (patch.consortiumId !== undefined) changes.consortiumId = patch.consortiumId;
    await this.uniqueEmail(patch.email ?? p.email, () => this.people.update({ id }, changes));
    this.cache.forget(id);
    return this.getPerson(id);
  }

  /** Adds one role (npm run people:grant). */
  async grantRole(id: string, role: DirectoryRole): Promise<PersonEntity> {
    const p = await this.getPerson(id);
    return p.roles.includes(role) ? p : this.updatePerson(id, { roles: [...p.roles, role] });
  }

  async listPeople(
    reader: DirectoryReader,
    q: { role?: DirectoryRole; consortiumId?: string; limit: number; cursor?: string },
  ): Promise<Page<PersonEntity>> {
    // created_at is stored in milliseconds, as the cursor carries it (migration CursorPrecision)
    const qb = this.people
      .createQueryBuilder('p')
      .orderBy('p.created_at')
      .addOrderBy('p.id')
      .limit(q.limit + 1);
    const seesEveryone = reader.roles.includes('admin') || reader.roles.includes('governance');
    if (!seesEveryone) {
      if (!reader.consortiumId) return { items: [], nextCursor: null };
      qb.andWhere('p.consortium_id = :own', { own: reader.consortiumId });
    }
    if (q.consortiumId) qb.andWhere('p.consortium_id = :c', { c: q.consortiumId });
    if (q.role) qb.andWhere(':role = ANY(p.roles)', { role: q.role });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(p.created_at, p.id) > (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (p) => ({ t: p.createdAt.toISOString(), id: p.id }));
  }

  async getPerson(id: string): Promise<PersonEntity> {
    const p = await this.findPerson(id);
    if (!p) throw new DomainError('NOT_FOUND', `person ${id} not found`);
    return p;
  }

  async findPerson(id: string): Promise<PersonEntity | null> {
    const rows: PersonRowSql[] = await this.people.manager.query(`SELECT ${PERSON_COLUMNS} FROM people WHERE id = $1`, [
      id,
    ]);
    return rows.length ? personOf(rows[0]) : null;
  }

  /** The auth guard's lookup (every request): briefly cached, forgotten on every change made here. */
  lookupPerson(id: string): Promise<PersonEntity | null> {
    return this.cache.get(id, () => this.findPerson(id));
  }

  async findPeople(ids: string[], tx?: EntityManager): Promise<PersonEntity[]> {
    if (!ids.length) return [];
    const rows: PersonRowSql[] = await (tx ?? this.people.manager).query(
      `SELECT ${PERSON_COLUMNS} FROM people WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(personOf);
  }

  async findConsortia(ids: string[], tx?: EntityManager): Promise<ConsortiumEntity[]> {
    if (ids.length === 1 && tx?.queryRunner) {
      const c = await this.consortiumIn(ids[0], tx);
      return c ? [c] : [];
    }
    return ids.length ? repo(this.consortia, ConsortiumEntity, tx).findBy({ id: In(ids) }) : [];
  }

  providerUsers(providerIds: string[], tx?: EntityManager): Promise<PersonEntity[]> {
    return providerIds.length
      ? repo(this.people, PersonEntity, tx).findBy({ providerId: In(providerIds) })
      : Promise.resolve([]);
  }

  async allProviderUsers(tx?: EntityManager): Promise<PersonEntity[]> {
    const rows: PersonRowSql[] = await (tx ?? this.people.manager).query(
      `SELECT ${PERSON_COLUMNS} FROM people WHERE provider_id IS NOT NULL`,
    );
    return rows.map(personOf);
  }

  consortiumPeople(consortiumId: string): Promise<PersonEntity[]> {
    return this.people.findBy({ consortiumId });
  }

  /** Everyone in the directory, by name (the console's development sign-in page). */
  everyone(limit = 500): Promise<PersonEntity[]> {
    return this.people.find({ order: { name: 'ASC' }, take: limit });
  }

  /** Names of the organisations (provider or consortium) these people belong to, by id. */
  async organisationNames(people: PersonEntity[]): Promise<Map<string, string>> {
    const providerIds = [...new Set(people.flatMap((p) => (p.providerId ? [p.providerId] : [])))];
    const consortiumIds = [...new Set(people.flatMap((p) => (p.consortiumId ? [p.consortiumId] : [])))];
    const [providers, consortia] = await Promise.all([
      providerIds.length ? this.providers.findBy({ id: In(providerIds) }) : [],
      consortiumIds.length ? this.consortia.findBy({ id: In(consortiumIds) }) : [],
    ]);
    return new Map([...providers, ...consortia].map((o) => [o.id, o.name]));
  }

  async addAffiliation(
    personId: string,
    input: { providerId: string; relationship: Relationship },
  ): Promise<AffiliationEntity> {
    await this.getPerson(personId);
    await this.requireProvider(input.providerId, 'providerId');
    const existing = await this.affiliations.findOneBy({
      personId,
      providerId: input.providerId,
      relationship: input.relationship,
    });
    if (existing) return existing;
    return this.affiliations.save(this.affiliations.create({ personId, ...input }));
  }

  affiliationsOf(personIds: string[], tx?: EntityManager): Promise<AffiliationEntity[]> {
    return personIds.length
      ? repo(this.affiliations, AffiliationEntity, tx).findBy({ personId: In(personIds) })
      : Promise.resolve([]);
  }

  listAffiliations(personId: string): Promise<AffiliationEntity[]> {
    return this.affiliations.find({ where: { personId }, order: { createdAt: 'ASC' } });
  }

  private async uniqueEmail<T>(email: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (pgCode(e) === PG_UNIQUE_VIOLATION) {
        throw new DomainError('CONFLICT', `a person with email ${email} already exists`, { field: 'email' });
      }
      throw e;
    }
  }

  private async requireConsortium(id: string, field: string) {
    if (!(await this.consortia.existsBy({ id }))) {
      throw new DomainError('VALIDATION_FAILED', `${field}: consortium ${id} does not exist`, {
        errors: [{ field, message: 'unknown consortium' }],
      });
    }
  }

  private async requireProvider(id: string, field: string) {
    if (!(await this.providers.existsBy({ id }))) {
      throw new DomainError('VALIDATION_FAILED', `${field}: provider ${id} does not exist`, {
        errors: [{ field, message: 'unknown provider' }],
      });
    }
  }
}

function requireRolesFit(roles: readonly DirectoryRole[], providerId: string | null): void {
  const problem = personRolesProblem(roles, providerId);
  if (problem)
    throw new DomainError('VALIDATION_FAILED', `roles: ${problem}`, { errors: [{ field: 'roles', message: problem }] });
}
