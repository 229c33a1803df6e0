import { Module } from '@nestjs/common';

/** conflicts feature (application services, entities, effect handlers). */
@Module({
  imports: [],
  providers: [],
  exports: [],
})
export class ConflictsModule {}
