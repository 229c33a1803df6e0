import { Module } from '@nestjs/common';
import { TenderingModule } from '@makebuy/tendering';
import { TenderGuard } from './tender.guard';
import { TenderPanelGuard } from './tender-panel.guard';
import { TenderController, TendersController } from './tenders.controller';
import { MyBidsController } from './bids.controller';
import { RepresentationsController } from './representations.controller';
import { PublicProcurementGuard } from './public-procurement.guard';

/** HTTP endpoints of the tendering feature: the provider portal, evaluation and representations. */
@Module({
  imports: [TenderingModule],
  controllers: [TendersController, TenderController, MyBidsController, RepresentationsController],
  providers: [TenderGuard, TenderPanelGuard, PublicProcurementGuard],
})
export class TenderingHttpModule {}
