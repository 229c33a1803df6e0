import { Module } from '@nestjs/common';
import { NotificationsModule } from '@makebuy/notifications';

/** HTTP endpoints of the notifications feature. */
@Module({
  imports: [NotificationsModule],
  controllers: [],
})
export class NotificationsHttpModule {}
