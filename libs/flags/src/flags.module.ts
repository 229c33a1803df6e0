import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryModule } from '@makebuy/directory';
import { ConflictsModule } from '@makebuy/conflicts';
import { TenderingModule } from '@makebuy/tendering';
import { AwardCheckRunEntity, AwardEntity, FlagEntity } from './flag.entities';
import { FlagsService } from './flags.service';
import { FlagResolutionService } from './flag-resolution.service';
import { AwardChecks } from './award-checks.service';
import { AwardChecksRedrive } from './award-checks.redrive';
import { AwardsService } from './awards.service';
import { AwardFactsGatherer } from './award-facts.gatherer';
import { AwardSources } from './award-sources';
import { AwardCheckRunsRepository } from './award-check-runs.repository';

/**
 * Favouritism checks: flags (raise, list, resolve), the award checks run by the worker, the
 * register of awards. The case workflow calls them for the `runAwardChecks` and `recordAward`
 * effects, the APPROVE_AWARD fact `openBlockingFlags`, and the case view's `flags` and `awardChecks`.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([FlagEntity, AwardCheckRunEntity, AwardEntity]),
    DirectoryModule,
    ConflictsModule,
    TenderingModule,
  ],
  providers: [
    AwardCheckRunsRepository,
    FlagsService,
    FlagResolutionService,
    AwardChecks,
    AwardChecksRedrive,
    AwardsService,
    AwardFactsGatherer,
    AwardSources,
  ],
  exports: [FlagsService, FlagResolutionService, AwardChecks, AwardChecksRedrive, AwardsService],
})
export class FlagsModule {}
