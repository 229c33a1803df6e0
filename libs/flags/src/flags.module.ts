import { Module } from '@nestjs/common';

/** flags feature (application services, entities, effect handlers). */
@Module({
  imports: [],
  providers: [],
  exports: [],
})
export class FlagsModule {}
