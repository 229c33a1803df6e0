/**
 * npm run seed: a demo directory — a consortium with five member practices, three outside
 * providers, commissioners, a governance officer, panel members with realistic affiliations
 * and provider users, each granted their roles in the directory — then a development token for
 * each person, carrying exactly those roles. Safe to run twice: an
 * existing demo consortium is reused.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { loadAppConfig, loadPolicy, SettingsModule } from '@makebuy/settings';
import { DatabaseModule, ensureDatabase, runMigrations } from '@makebuy/database';
import { expiryOf, signToken } from '@makebuy/auth';
import { DirectoryModule, DirectoryRole, DirectoryService, ProviderKind, Relationship } from '@makebuy/directory';

const DEMO = 'Riverside GP Consortium (demo)';

const MEMBERS = [
  'Riverside Medical Practice',
  'Hillview Surgery',
  'Bridge Street Health Centre',
  'Meadowbank Practice',
  'Old Town Surgery',
];
const OUTSIDE: [string, ProviderKind][] = [
  ['City Hospitals NHS Trust', 'nhs_trust'],
  ['SkinCare Partners Ltd', 'independent'],
  ['Community Health CIC', 'social_enterprise'],
];

interface Seeded {
  name: string;
  email: string;
  roles: DirectoryRole[];
  note: string;
  consortium?: boolean;
  provider?: string;
  affiliations?: [string, Relationship][];
}

const PEOPLE: Seeded[] = [
  {
    name: 'Dr Claire Morgan',
    email: 'claire.morgan@riverside.example',
    roles: ['commissioner'],
    note: 'commissioner, case lead',
    consortium: true,
  },
  {
    name: 'Dr Colin Price',
    email: 'colin.price@riverside.example',
    roles: ['commissioner'],
    note: 'commissioner',
    consortium: true,
  },
  {
    name: 'Grace Okafor',
    email: 'grace.okafor@riverside.example',
    roles: ['governance'],
    note: 'governance officer',
    consortium: true,
  },
  {
    name: 'Dr Paul Hughes',
    email: 'paul.hughes@riverside.example',
    roles: ['commissioner'],
    note: 'panel member; GP partner at Riverside Medical Practice',
    consortium: true,
    affiliations: [['Riverside Medical Practice', 'partner']],
  },
  {
    name: 'Dr Nina Shah',
    email: 'nina.shah@riverside.example',
    roles: ['commissioner'],
    note: 'panel member; salaried GP at Hillview Surgery, spouse is a director of SkinCare Partners Ltd',
    consortium: true,
    affiliations: [
      ['Hillview Surgery', 'salaried_gp'],
      ['SkinCare Partners Ltd', 'family'],
    ],
  },
  {
    name: 'Margaret Lewis',
    email: 'margaret.lewis@riverside.example',
    roles: ['commissioner'],
    note: 'panel member; lay member, no interests',
    consortium: true,
  },
  {
    name: 'Tom Evans',
    email: 'tom.evans@cityhospitals.example',
    roles: ['provider'],
    note: 'bid manager',
    provider: 'City Hospitals NHS Trust',
  },
  {
    name: 'Sara Khan',
    email: 'sara.khan@skincare.example',
    roles: ['provider'],
    note: 'bid manager',
    provider: 'SkinCare Partners Ltd',
  },
  {
    name: 'Lee Wong',
    email: 'lee.wong@communityhealth.example',
    roles: ['provider'],
    note: 'bid manager',
    provider: 'Community Health CIC',
  },
  {
    name: 'Anna Reid',
    email: 'anna.reid@riversidemedical.example',
    roles: ['provider'],
    note: 'practice manager',
    provider: 'Riverside Medical Practice',
  },
  {
    name: 'Ben Carter',
    email: 'ben.carter@hillview.example',
    roles: ['provider'],
    note: 'practice manager',
    provider: 'Hillview Surgery',
  },
];

@Module({})
class SeedModule {}

async function main() {
  const config = loadAppConfig();
  // demo tokens live 12 h, or less when AUTH_MAX_TOKEN_AGE is shorter (the API refuses longer ones)
  const SEED_TOKEN_LIFE = `${Math.min(12 * 3600, config.maxTokenAgeSeconds)}s`;
  const policy = loadPolicy(config.policyFile);
  await ensureDatabase(config.databaseUrl);
  await runMigrations(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(
    { module: SeedModule, imports: [SettingsModule.forRoot(config, policy), DatabaseModule, DirectoryModule] },
    { logger: ['error', 'warn'] },
  );
  try {
    const dir = app.get(DirectoryService);
    const ds = app.get<DataSource>(getDataSourceToken());
    const [existing] = await ds.query(`SELECT id FROM consortia WHERE name = $1 ORDER BY created_at LIMIT 1`, [DEMO]);
    const consortiumId: string = existing?.id ?? (await dir.createConsortium({ name: DEMO })).id;
    const providerIds = new Map<string, string>();
    const ensureProvider = async (name: string, kind: ProviderKind, member: boolean) => {
      const [p] = await ds.query(`SELECT id FROM providers WHERE name = $1 ORDER BY created_at LIMIT 1`, [name]);
      providerIds.set(
        name,
        p?.id ?? (await dir.createProvider({ name, kind, memberOfConsortiumId: member ? consortiumId : null })).id,
      );
    };
    for (const m of MEMBERS) await ensureProvider(m, 'gp_practice', true);
    for (const [n, k] of OUTSIDE) await ensureProvider(n, k, false);

    const rows: { name: string; roles: string; note: string; id: string; token: string }[] = [];
    for (const p of PEOPLE) {
      const [found] = await ds.query(`SELECT id FROM people WHERE lower(email) = lower($1)`, [p.email]);
      // the directory grants the roles the printed token carries (re-runs grant them to older rows too)
      const id: string = found
        ? (await dir.updatePerson(found.id, { roles: p.roles })).id
        : (
            await dir.createPerson({
              name: p.name,
              email: p.email,
              consortiumId: p.consortium ? consortiumId : null,
              providerId: p.provider ? providerIds.get(p.provider)! : null,
              roles: p.roles,
            })
          ).id;
      for (const [provider, relationship] of p.affiliations ?? []) {
        await dir.addAffiliation(id, { providerId: providerIds.get(provider)!, relationship });
      }
      rows.push({
        name: p.name,
        roles: p.roles.join(','),
        note: p.note,
        id,
        token: await signToken(config.jwtSecret, id, p.roles, SEED_TOKEN_LIFE),
      });
    }
    rows.push({
      name: 'Directory admin',
      roles: 'admin',
      note: 'admin (no directory entry needed)',
      id: 'admin-seed',
      token: await signToken(config.jwtSecret, 'admin-seed', ['admin'], SEED_TOKEN_LIFE),
    });

    console.log(
      `\nmakebuy demo data in ${new URL(config.databaseUrl).pathname.slice(1)}: consortium "${DEMO}" (${consortiumId})`,
    );
    console.log(`member practices: ${MEMBERS.join(', ')}`);
    console.log(`outside providers: ${OUTSIDE.map(([n]) => n).join(', ')}\n`);
    for (const r of rows) {
      console.log(`${r.name} — ${r.note} [${r.roles}]\n  id:    ${r.id}\n  token: ${r.token}\n`);
    }
    console.log(
      `tokens expire at ${expiryOf(rows[0].token).toISOString()} (in ${Math.round(parseInt(SEED_TOKEN_LIFE, 10) / 360) / 10} h); run npm run seed again or ` +
        'npm run token -- --sub <id> --roles <roles> for fresh ones',
    );
    if (config.jwtSecretIsDevelopment)
      console.log('(tokens are signed with the development secret; set AUTH_JWT_SECRET for anything real)');
  } finally {
    await app.close();
  }
}

main().catch((e: Error) => {
  console.error(`seed failed: ${e.message}`);
  process.exit(1);
});
