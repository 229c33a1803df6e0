import { Module } from '@nestjs/common';

/** deadlines feature (application services, entities, effect handlers). */
@Module({
  imports: [],
  providers: [],
  exports: [],
})
export class DeadlinesModule {}
