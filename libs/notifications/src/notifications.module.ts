import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationEntity } from './notification.entity';
import { NotificationsService } from './notifications.service';
import { AudienceRegistry } from './audience.registry';
import { CaseGovernance } from './case-governance.service';
import { NoticeDispatcher } from './notice-dispatcher.service';

/** Notifications: the `notify` effect, audiences, and people's reminders and notices. */
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity])],
  providers: [NotificationsService, AudienceRegistry, CaseGovernance, NoticeDispatcher],
  exports: [NotificationsService, AudienceRegistry, CaseGovernance],
})
export class NotificationsModule {}
