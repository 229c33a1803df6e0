import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '@makebuy/domain';
import { AuthGuard, Public } from '@makebuy/auth';
import { Metrics } from '@makebuy/metrics';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { ApiSignedIn } from '../http/api-problems.decorator';

/** A peer address as the socket gives it, IPv4-mapped IPv6 unwrapped. */
const plain = (a: string | undefined) => (a ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

export function allowList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/');
    const type = isIP(addr) === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(addr, bits === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bits), type);
  }
  return list;
}

/**
 * Prometheus text format, for admins or from METRICS_ALLOWED_CIDRS. The peer address is the
 * socket's, never X-Forwarded-For (which anyone can send).
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  private readonly allowed: BlockList;

  constructor(
    private readonly metrics: Metrics,
    private readonly auth: AuthGuard,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.allowed = allowList(config.metricsAllowedCidrs);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Prometheus metrics (text format), for admins or from METRICS_ALLOWED_CIDRS',
    description:
      'Request latency per route and status, transitions per event type, deadline lag, outbox backlog, ' +
      'reconciler passes, pool figures, and whether PostgreSQL and Redis answer. Elsewhere: 401 without a ' +
      'token, 403 without the admin role.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', schema: { type: 'string' } })
  @ApiSignedIn('FORBIDDEN')
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const peer = plain(req.socket.remoteAddress);
    const type = isIP(peer) === 4 ? 'ipv4' : 'ipv6';
    const fromAllowedNetwork = isIP(peer) !== 0 && this.allowed.check(peer, type);
    if (!fromAllowedNetwork || req.headers.authorization) {
      const principal = await this.auth.authenticate(req.headers.authorization);
      if (!principal.roles.includes('admin') && !fromAllowedNetwork)
        throw new DomainError('FORBIDDEN', 'metrics are for admins or from the configured networks');
    }
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await this.metrics.text());
  }
}
