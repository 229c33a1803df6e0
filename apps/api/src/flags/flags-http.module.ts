import { Module } from '@nestjs/common';
import { FlagsModule } from '@makebuy/flags';

/** HTTP endpoints of the flags feature. */
@Module({
  imports: [FlagsModule],
  controllers: [],
})
export class FlagsHttpModule {}
