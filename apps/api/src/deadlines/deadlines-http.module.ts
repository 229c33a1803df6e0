import { Module } from '@nestjs/common';
import { AuthModule } from '@makebuy/auth';
import { DeadlinesModule } from '@makebuy/deadlines';
import { QueueBoard } from './queue-board';

/** HTTP side of the deadlines feature: the admin queue board (deadlines show in GET /cases/{id}). */
@Module({
  imports: [DeadlinesModule, AuthModule],
  providers: [QueueBoard],
})
export class DeadlinesHttpModule {}
