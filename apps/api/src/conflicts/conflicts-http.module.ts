import { Module } from '@nestjs/common';
import { ConflictsModule } from '@makebuy/conflicts';

/** HTTP endpoints of the conflicts feature. */
@Module({
  imports: [ConflictsModule],
  controllers: [],
})
export class ConflictsHttpModule {}
