import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CasesModule } from '@makebuy/cases';
import { OcdsReleaseEntity } from './ocds-release.entity';
import { OcdsFactsReader } from './ocds-facts.reader';
import { OcdsReleaseService } from './ocds-release.service';
import { OcdsPublicationService } from './ocds-publication.service';

/** Open Contracting Data Standard 1.1.5: immutable releases written by the workflow, and their packages. */
@Module({
  imports: [TypeOrmModule.forFeature([OcdsReleaseEntity]), CasesModule],
  providers: [OcdsFactsReader, OcdsReleaseService, OcdsPublicationService],
  exports: [OcdsReleaseService, OcdsPublicationService],
})
export class OcdsModule {}
