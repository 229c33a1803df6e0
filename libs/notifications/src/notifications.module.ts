import { Module } from '@nestjs/common';

/** notifications feature (application services, entities, effect handlers). */
@Module({
  imports: [],
  providers: [],
  exports: [],
})
export class NotificationsModule {}
