import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseEntity, CaseEventEntity, CasePanelEntity } from './case.entities';
import { CaseEngine } from './case-engine.service';
import { CasesRepository } from './cases.repository';
import { CaseAccess } from './case-access.service';
import { CaseHistory } from './case-history.service';
import { CasePanel } from './case-panel.service';
import { CaseQueries } from './case-query.service';
import { CaseCommands } from './case-commands.service';
import { CaseTimePolicy } from './case-time-policy.service';
import { CaseMigrator } from './case-migrator.service';
import { DirectoryModule } from '@makebuy/directory';

const CASE_SERVICES = [
  CasesRepository,
  CaseEngine,
  CaseAccess,
  CaseHistory,
  CasePanel,
  CaseQueries,
  CaseCommands,
  CaseTimePolicy,
  CaseMigrator,
];

/** The case aggregate: durable state, the audit chain, the engine that applies events. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([CaseEntity, CaseEventEntity, CasePanelEntity]), DirectoryModule],
  providers: CASE_SERVICES,
  exports: CASE_SERVICES,
})
export class CasesModule {}
