import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics.service';
import { ConnectionWatch } from './connection-watch.service';

/** The application's metrics registry and its view of PostgreSQL and Redis. */
@Global()
@Module({
  providers: [Metrics, ConnectionWatch],
  exports: [Metrics, ConnectionWatch],
})
export class MetricsModule {}
