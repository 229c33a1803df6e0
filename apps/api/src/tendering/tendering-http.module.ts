import { Module } from '@nestjs/common';
import { TenderingModule } from '@makebuy/tendering';

/** HTTP endpoints of the tendering feature. */
@Module({
  imports: [TenderingModule],
  controllers: [],
})
export class TenderingHttpModule {}
