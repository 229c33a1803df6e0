import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '@makebuy/notifications';
import { FlagsModule } from '@makebuy/flags';
import { ConflictsModule } from '@makebuy/conflicts';
import { TenderingModule } from '@makebuy/tendering';
import { OcdsModule } from '@makebuy/ocds';
import { DeadlineEntity, EscalationEntity } from './deadline.entity';
import { DeadlinesRepository } from './deadlines.repository';
import { DeadlineScheduler } from './deadline-scheduler.service';
import { DeadlineFiring } from './deadline-firing.service';
import { DeadlineReconciler } from './deadline-reconciler.service';
import { DeadlineEscalation } from './deadline-escalation.service';
import { AwaitedRegistry } from './awaited.registry';
import { DeadlineQueries } from './deadline-queries.service';

/** Deadlines: durable timers in PostgreSQL, fired through BullMQ, reconciled from the database. */
@Module({
  imports: [
    TypeOrmModule.forFeature([DeadlineEntity, EscalationEntity]),
    NotificationsModule,
    FlagsModule,
    OcdsModule,
    ConflictsModule,
    TenderingModule,
  ],
  providers: [
    DeadlinesRepository,
    DeadlineScheduler,
    DeadlineFiring,
    DeadlineReconciler,
    DeadlineEscalation,
    AwaitedRegistry,
    DeadlineQueries,
  ],
  exports: [DeadlineScheduler, DeadlineFiring, DeadlineReconciler, AwaitedRegistry, DeadlineQueries],
})
export class DeadlinesModule {}
