import { Module } from '@nestjs/common';
import { NotificationsModule } from '@makebuy/notifications';
import { NotificationsController } from './notifications.controller';

/** HTTP endpoints of the notifications feature. */
@Module({
  imports: [NotificationsModule],
  controllers: [NotificationsController],
})
export class NotificationsHttpModule {}
