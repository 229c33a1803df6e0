import { DirectoryModule } from '@makebuy/directory';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '@makebuy/notifications';
import { OcdsModule } from '@makebuy/ocds';
import { DeadlineEntity, EscalationEntity } from './deadline.entity';
import { DeadlinesRepository } from './deadlines.repository';
import { DeadlineScheduler } from './deadline-scheduler.service';
import { DeadlineFiring } from './deadline-firing.service';
import { DeadlineReconciler } from './deadline-reconciler.service';
import { DeadlineEscalation } from './deadline-escalation.service';
import { DeadlineQueries } from './deadline-queries.service';

/** Deadlines: durable timers in PostgreSQL, fired through BullMQ, reconciled from the database. */
@Module({
  imports: [
    TypeOrmModule.forFeature([DeadlineEntity, EscalationEntity]),
    NotificationsModule,
    DirectoryModule,
    OcdsModule,
  ],
  providers: [
    DeadlinesRepository,
    DeadlineScheduler,
    DeadlineFiring,
    DeadlineReconciler,
    DeadlineEscalation,
    DeadlineQueries,
  ],
  exports: [DeadlineScheduler, DeadlineFiring, DeadlineReconciler, DeadlineEscalation, DeadlineQueries],
})
export class DeadlinesModule {}
