import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryModule } from '@makebuy/directory';
import { ConflictsModule } from '@makebuy/conflicts';
import { FeedModule } from '@makebuy/feed';
import { BidEntity, BidRevisionEntity, QuestionEntity, RepresentationEntity, ScoreEntity } from './tendering.entities';
import { TenderAccess } from './tender-access.service';
import { TenderingQueries } from './tendering-queries.service';
import { BidsService } from './bids.service';
import { BidQueries } from './bid-queries.service';
import { BidViews } from './bid-views';
import { BidsRepository } from './bids.repository';
import { ClarificationsService } from './clarifications.service';
import { EvaluationService } from './evaluation.service';
import { RepresentationsService } from './representations.service';
import { TendersService } from './tenders.service';
import { TenderingCaseParts } from './tendering-case-parts';
import { DocumentsModule } from '@makebuy/documents';
import { BidReceipts } from './bid-receipts.service';
import { TenderDocumentsService } from './tender-documents.service';
import { BidDocumentsService } from './bid-documents.service';
import { DocumentAccess } from './document-access.service';

/** Tendering and the provider portal: the published tender, clarifications, sealed bids, evaluation,
 * standstill representations. Conflicts and notifications never import this module. */
@Module({
  imports: [
    TypeOrmModule.forFeature([QuestionEntity, BidEntity, BidRevisionEntity, ScoreEntity, RepresentationEntity]),
    DirectoryModule,
    ConflictsModule,
    DocumentsModule,
    FeedModule,
  ],
  providers: [
    BidsRepository,
    BidViews,
    BidQueries,
    TenderAccess,
    TenderingQueries,
    BidsService,
    ClarificationsService,
    EvaluationService,
    RepresentationsService,
    TendersService,
    TenderingCaseParts,
    BidReceipts,
    TenderDocumentsService,
    BidDocumentsService,
    DocumentAccess,
  ],
  exports: [
    TenderingQueries,
    TendersService,
    BidsService,
    BidQueries,
    ClarificationsService,
    EvaluationService,
    RepresentationsService,
    TenderingCaseParts,
    BidReceipts,
    TenderDocumentsService,
    BidDocumentsService,
    DocumentAccess,
    DocumentsModule,
  ],
})
export class TenderingModule {}
