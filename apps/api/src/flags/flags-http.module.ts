import { Module } from '@nestjs/common';
import { FlagsModule } from '@makebuy/flags';
import { CasesHttpModule } from '../cases/cases-http.module';
import { CaseFlagsController, FlagController, FlagsController } from './flags.controller';
import { FlagAccessGuard } from './flag-access.guard';

/** HTTP endpoints of the flags feature: governance lists and resolves flags. */
@Module({
  imports: [FlagsModule, CasesHttpModule],
  controllers: [FlagsController, FlagController, CaseFlagsController],
  providers: [FlagAccessGuard],
})
export class FlagsHttpModule {}
