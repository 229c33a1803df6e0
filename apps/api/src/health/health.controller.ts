import { Controller, Get, Inject, OnModuleDestroy } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { Public } from '@makebuy/auth';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { redisOptionsFromUrl } from '@makebuy/queue';

/** Liveness and readiness: PostgreSQL and Redis. */
@ApiTags('health')
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private readonly redis: Redis;
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
    });
    this.redis.on('error', () => undefined);
  }

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Checks PostgreSQL and Redis; 503 when either is down' })
  check() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const i = this.indicators.check('redis');
        try {
          if (this.redis.status === 'wait' || this.redis.status === 'end')
            await this.redis.connect().catch(() => undefined);
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, rej) => {
            timer = setTimeout(() => rej(new Error('timeout after 2000ms')), 2000);
          });
          const pong = await Promise.race([this.redis.ping(), timeout]).finally(() => clearTimeout(timer));
          return pong === 'PONG' ? i.up() : i.down({ message: String(pong) });
        } catch (e) {
          return i.down({ message: (e as Error).message });
        }
      },
    ]);
  }

  onModuleDestroy() {
    this.redis.disconnect();
  }
}
