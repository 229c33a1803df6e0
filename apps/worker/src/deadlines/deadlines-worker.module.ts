import { Module } from '@nestjs/common';
import { DeadlinesModule } from '@makebuy/deadlines';
import { DeadlineProcessor } from './deadline.processor';
import { DeadlineReconcilerTimer } from './deadline-reconciler.timer';

/** BullMQ processors of the deadlines feature, and the reconciler's timer. */
@Module({
  imports: [DeadlinesModule],
  providers: [DeadlineProcessor, DeadlineReconcilerTimer],
})
export class DeadlinesWorkerModule {}
