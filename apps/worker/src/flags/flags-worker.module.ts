import { Module } from '@nestjs/common';
import { FlagsModule } from '@makebuy/flags';

/** BullMQ processors of the flags feature. */
@Module({
  imports: [FlagsModule],
  providers: [],
})
export class FlagsWorkerModule {}
