import { Module } from '@nestjs/common';
import { TransparencyModule } from '@makebuy/transparency';
import { CasesHttpModule } from '../cases/cases-http.module';
import { CaseNoticesController, TransparencyRegistersController } from './transparency.controller';

/** HTTP endpoints of transparency: a case's notices, the public notices, the register of decisions and its summary. */
@Module({
  imports: [TransparencyModule, CasesHttpModule],
  controllers: [CaseNoticesController, TransparencyRegistersController],
})
export class TransparencyHttpModule {}
