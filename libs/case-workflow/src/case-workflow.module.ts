import { Module } from '@nestjs/common';
import { ConflictsModule } from '@makebuy/conflicts';
import { TenderingModule } from '@makebuy/tendering';
import { FlagsModule } from '@makebuy/flags';
import { DeadlinesModule } from '@makebuy/deadlines';
import { NotificationsModule } from '@makebuy/notifications';
import { TransparencyModule } from '@makebuy/transparency';
import { OcdsModule } from '@makebuy/ocds';
import { CaseWorkflow } from './case-workflow.service';
import { CaseViews } from './case-views.service';
import { CaseObligations } from './case-obligations.service';
import { CaseTasks } from './case-tasks.service';
import { CaseList } from './case-list.service';
import { CaseFeed } from './case-feed.service';
import { FeedModule } from '@makebuy/feed';

/**
 * The case workflow room, one floor above the features: binds itself to the case engine once
 * (facts per event type, handlers per effect type), and serves the case view and obligations.
 * Imported by both apps.
 */
@Module({
  imports: [
    ConflictsModule,
    TenderingModule,
    FlagsModule,
    DeadlinesModule,
    NotificationsModule,
    TransparencyModule,
    FeedModule,
    OcdsModule,
  ],
  providers: [CaseWorkflow, CaseViews, CaseObligations, CaseFeed, CaseTasks, CaseList],
  exports: [CaseWorkflow, CaseViews, CaseObligations, CaseTasks, CaseList],
})
export class CaseWorkflowModule {}
