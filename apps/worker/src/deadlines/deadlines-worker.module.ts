import { Module } from '@nestjs/common';
import { DeadlinesModule } from '@makebuy/deadlines';

/** BullMQ processors of the deadlines feature. */
@Module({
  imports: [DeadlinesModule],
  providers: [],
})
export class DeadlinesWorkerModule {}
