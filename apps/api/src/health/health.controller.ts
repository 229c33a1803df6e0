import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '@makebuy/auth';
import { ConnectionWatch } from '@makebuy/metrics';

const HEALTH_EXAMPLE = {
  status: 'ok',
  info: { postgres: { status: 'up' }, redis: { status: 'up' } },
  error: {},
  details: { postgres: { status: 'up' }, redis: { status: 'up' } },
};

/**
 * Readiness (PostgreSQL and Redis) and liveness, in the terminus format. A component that is
 * down makes readiness 503 with the same format (never problem details, never a log line per
 * probe: the outage itself is logged once by ConnectionWatch).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly watch: ConnectionWatch,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis; 503 (same body format) when either is down' })
  @ApiOkResponse({ schema: { example: HEALTH_EXAMPLE } })
  @ApiServiceUnavailableResponse({
    schema: {
      example: {
        status: 'error',
        info: { postgres: { status: 'up' } },
        error: { redis: { status: 'down', message: 'connect ECONNREFUSED 127.0.0.1:6379' } },
        details: { postgres: { status: 'up' }, redis: { status: 'down', message: '...' } },
      },
    },
  })
  async readiness(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        async () => {
          const r = await this.db.pingCheck('postgres', { timeout: 2000 });
          // a failed ping through the pool: is the server down (logged once), or the pool busy?
          if (r.postgres?.status === 'up') this.watch.recovered('postgres');
          else await this.watch.probe('postgres');
          return r;
        },
        async () => {
          const i = this.indicators.check('redis');
          const probe = await this.watch.probe('redis');
          return probe.up ? i.up() : i.down({ message: probe.error });
        },
      ]);
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503);
      return e.getResponse() as HealthCheckResult;
    }
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: 200 while the process runs, whatever PostgreSQL and Redis do' })
  @ApiOkResponse({
    schema: { example: { status: 'ok', info: { process: { status: 'up' } }, error: {}, details: {} } },
  })
  live(): HealthCheckResult {
    const process = { status: 'up' as const, uptimeSeconds: Math.round(globalThis.process.uptime()) };
    return { status: 'ok', info: { process }, error: {}, details: { process } };
  }
}
