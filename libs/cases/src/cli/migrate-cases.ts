/**
 * npm run cases:migrate -- --to <version> [--map old_state=new_state ...] [--scan]
 * The explicit step that moves cases between statechart versions (one audit row per case).
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { CASE_MACHINE_VERSION } from '@makebuy/domain';
import { loadAppConfig, loadPolicy, SettingsModule } from '@makebuy/settings';
import { DatabaseModule } from '@makebuy/database';
import { QueueModule } from '@makebuy/queue';
import { CasesModule } from '../cases.module';
import { CaseMigrator } from '../case-migrator.service';

@Module({})
class MigrateCasesModule {}

async function main() {
  const { values } = parseArgs({
    options: {
      to: { type: 'string' },
      map: { type: 'string', multiple: true },
      scan: { type: 'boolean', default: false },
    },
  });
  const config = loadAppConfig();
  const app = await NestFactory.createApplicationContext(
    {
      module: MigrateCasesModule,
      imports: [
        SettingsModule.forRoot(config, loadPolicy(config.policyFile)),
        DatabaseModule,
        QueueModule,
        CasesModule,
      ],
    },
    { logger: ['error', 'warn'] },
  );
  try {
    const migrator = app.get(CaseMigrator);
    const broken = await migrator.scan();
    console.log(
      `${broken.length} case(s) do not restore on their machine version${broken.length ? `: ${broken.join(', ')}` : ''}`,
    );
    if (values.scan) return;
    const to = values.to ? Number(values.to) : CASE_MACHINE_VERSION;
    const mapping = Object.fromEntries((values.map ?? []).map((m) => m.split('=') as [string, string]));
    const report = await migrator.migrate(to, Object.keys(mapping).length ? mapping : undefined);
    for (const m of report.migrated)
      console.log(`migrated ${m.caseId}: v${m.fromVersion} ${m.fromState} -> v${m.toVersion} ${m.toState}`);
    for (const f of report.failed) console.error(`FAILED ${f.caseId}: ${f.error}`);
    if (report.failed.length) process.exitCode = 1;
  } finally {
    await app.close();
  }
}
main().catch((e: Error) => {
  console.error(`case migration failed: ${e.message}`);
  process.exit(1);
});
