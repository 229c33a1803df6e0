import { Module } from '@nestjs/common';
import { ConflictsModule } from '@makebuy/conflicts';

/** BullMQ processors of the conflicts feature. */
@Module({
  imports: [ConflictsModule],
  providers: [],
})
export class ConflictsWorkerModule {}
