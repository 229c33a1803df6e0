import { Module } from '@nestjs/common';
import { CaseWorkflowModule } from '@makebuy/case-workflow';
import { TenderingModule } from '@makebuy/tendering';
import { CaseAccessGuard } from '../http/case-access.guard';
import { CaseHistoryController, CasesController } from './cases.controller';
import { MeController } from './me.controller';

/** HTTP endpoints of cases: create, list, read, events, history, and the caller's tasks. */
@Module({
  imports: [CaseWorkflowModule, TenderingModule],
  controllers: [CasesController, CaseHistoryController, MeController],
  providers: [CaseAccessGuard],
  exports: [CaseAccessGuard],
})
export class CasesHttpModule {}
