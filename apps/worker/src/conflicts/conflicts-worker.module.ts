import { Module } from '@nestjs/common';
import { ConflictsModule } from '@makebuy/conflicts';
import { AnnualDeclarationsProcessor } from './annual-declarations.processor';
import { AnnualDeclarationsScheduler } from './annual-declarations.scheduler';

/** BullMQ processors of the conflicts feature: the daily annual-declarations check. */
@Module({
  imports: [ConflictsModule],
  providers: [AnnualDeclarationsProcessor, AnnualDeclarationsScheduler],
})
export class ConflictsWorkerModule {}
