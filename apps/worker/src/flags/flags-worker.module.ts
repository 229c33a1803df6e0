import { Module } from '@nestjs/common';
import { FlagsModule } from '@makebuy/flags';
import { AwardChecksProcessor } from './award-checks.processor';
import { AwardChecksRedriveTimer } from './award-checks-redrive.timer';

/** BullMQ processors of the flags feature: the award checks and their re-drive sweep. */
@Module({
  imports: [FlagsModule],
  providers: [AwardChecksProcessor, AwardChecksRedriveTimer],
})
export class FlagsWorkerModule {}
