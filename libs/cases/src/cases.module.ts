import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseEntity, CaseEventEntity, CasePanelEntity } from './case.entities';
import { CaseEngine } from './case-engine.service';
import { EffectRegistry } from './effect-registry';
import { CaseAccess } from './case-access.service';
import { CaseHistory } from './case-history.service';
import { CasePanel } from './case-panel.service';
import { CaseQueries } from './case-query.service';

/** The case aggregate: durable state, the audit chain, the engine that applies events. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([CaseEntity, CaseEventEntity, CasePanelEntity])],
  providers: [CaseEngine, EffectRegistry, CaseAccess, CaseHistory, CasePanel, CaseQueries],
  exports: [CaseEngine, EffectRegistry, CaseAccess, CaseHistory, CasePanel, CaseQueries],
})
export class CasesModule {}
