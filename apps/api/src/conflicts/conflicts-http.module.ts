import { Module } from '@nestjs/common';
import { ConflictsModule } from '@makebuy/conflicts';
import { CaseWorkflowModule } from '@makebuy/case-workflow';
import { CasesHttpModule } from '../cases/cases-http.module';
import { InterestsController, RegistersController } from './interests.controller';
import { CaseDeclarationsController, CasePanelController } from './case-conflicts.controller';

/** HTTP endpoints of the conflicts feature: the register of interests, case panels, declarations and reviews. */
@Module({
  imports: [ConflictsModule, CaseWorkflowModule, CasesHttpModule],
  controllers: [InterestsController, RegistersController, CasePanelController, CaseDeclarationsController],
})
export class ConflictsHttpModule {}
