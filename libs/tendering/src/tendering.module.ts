import { Module } from '@nestjs/common';

/** tendering feature (application services, entities, effect handlers). */
@Module({
  imports: [],
  providers: [],
  exports: [],
})
export class TenderingModule {}
