import { Module } from '@nestjs/common';
import { OcdsModule } from '@makebuy/ocds';
import { OcdsController } from './ocds.controller';

/** HTTP endpoints of OCDS publication. */
@Module({
  imports: [OcdsModule],
  controllers: [OcdsController],
})
export class OcdsHttpModule {}
