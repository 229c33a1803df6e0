import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryModule } from '@makebuy/directory';
import { ConflictsModule } from '@makebuy/conflicts';
import { NotificationsModule } from '@makebuy/notifications';
import { TenderingModule } from '@makebuy/tendering';
import { TRANSPARENCY_ENTITIES } from './transparency.entities';
import { TransparencyRepository } from './transparency.repository';
import { ProcurementFactsReader } from './procurement-facts.reader';
import { NoticesService } from './notices.service';
import { RegistersService } from './registers.service';

/** Transparency under the Provider Selection Regime: notices, the register of decisions, the annual
 * summary and bidders' debriefs. */
@Module({
  imports: [
    TypeOrmModule.forFeature(TRANSPARENCY_ENTITIES),
    DirectoryModule,
    ConflictsModule,
    NotificationsModule,
    TenderingModule,
  ],
  providers: [TransparencyRepository, ProcurementFactsReader, NoticesService, RegistersService],
  exports: [NoticesService, RegistersService],
})
export class TransparencyModule {}
