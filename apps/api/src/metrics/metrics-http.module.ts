import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '@makebuy/auth';
import { MetricsCollectors } from '@makebuy/metrics';
import { MetricsController } from './metrics.controller';
import { HttpMetricsMiddleware } from './http-metrics.middleware';

/** GET /metrics and the request latency figures. */
@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [MetricsCollectors, HttpMetricsMiddleware],
})
export class MetricsHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
