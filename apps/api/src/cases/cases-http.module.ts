import { Module } from '@nestjs/common';
import { CaseAccessGuard } from './case-access.guard';
import { CaseHistoryController, CasesController } from './cases.controller';

/** HTTP endpoints of cases: create, list, read, events, history. */
@Module({
  controllers: [CasesController, CaseHistoryController],
  providers: [CaseAccessGuard],
  exports: [CaseAccessGuard],
})
export class CasesHttpModule {}
