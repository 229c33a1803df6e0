import { Module } from '@nestjs/common';
import { DeadlinesModule } from '@makebuy/deadlines';

/** HTTP endpoints of the deadlines feature. */
@Module({
  imports: [DeadlinesModule],
  controllers: [],
})
export class DeadlinesHttpModule {}
