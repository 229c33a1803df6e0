import { DirectoryModule } from '@makebuy/directory';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationEntity } from './notification.entity';
import { NotificationsService } from './notifications.service';
import { NotificationsRepository } from './notifications.repository';
import { CaseGovernance } from './case-governance.service';
import { NoticeDispatcher } from './notice-dispatcher.service';

/** Notifications: the `notify` effect's notices, and people's reminders and notices. */
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity]), DirectoryModule],
  providers: [NotificationsRepository, NotificationsService, CaseGovernance, NoticeDispatcher],
  exports: [NotificationsService, CaseGovernance, NoticeDispatcher],
})
export class NotificationsModule {}
