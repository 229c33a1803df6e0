import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { Metrics } from '@makebuy/metrics';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

const plain = (a: string | undefined) => (a ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

/**
 * A worker run alone has no HTTP listener, yet its figures (reconciler passes, the lag of the
 * deadlines its jobs apply) are the ones to alert on. With WORKER_METRICS_PORT set it serves
 * GET /metrics there, to METRICS_ALLOWED_CIDRS only (no tokens: nothing else is served).
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(WorkerMetricsServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const port = this.config.workerMetricsPort;
    if (port === null) return;
    const allowed = new BlockList();
    for (const c of this.config.metricsAllowedCidrs) {
      const [addr, bits] = c.split('/');
      const type = isIP(addr) === 4 ? 'ipv4' : 'ipv6';
      allowed.addSubnet(addr, bits === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bits), type);
    }
    this.server = createServer((req, res) => {
      const peer = plain(req.socket.remoteAddress);
      const ok = isIP(peer) !== 0 && allowed.check(peer, isIP(peer) === 4 ? 'ipv4' : 'ipv6');
      if (!ok) return void res.writeHead(403).end();
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') return void res.writeHead(404).end();
      this.metrics
        .text()
        .then((text) => res.writeHead(200, { 'Content-Type': this.metrics.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
    });
    this.server.listen(port, () => this.log.log(`worker metrics on :${port}/metrics`));
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
