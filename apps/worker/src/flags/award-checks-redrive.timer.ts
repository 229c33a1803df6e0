import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { AwardChecksRedrive } from '@makebuy/flags';
import { isConnectionUnavailable } from '@makebuy/database';
import { RedisUnavailable } from '@makebuy/queue';
import { ConnectionWatch } from '@makebuy/metrics';

/** Sweeps unfinished award-check runs on the reconcile interval (worker role only). */
@Injectable()
export class AwardChecksRedriveTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AwardChecksRedriveTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly redrive: AwardChecksRedrive,
    private readonly watch: ConnectionWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.redrive
      .sweep()
      .catch((e) => {
        // an outage is logged once by ConnectionWatch, not on every tick
        if (isConnectionUnavailable(e)) this.watch.failed('postgres', e);
        else if (!(e instanceof RedisUnavailable)) this.log.warn(`award-checks sweep failed: ${(e as Error).message}`);
      })
      .finally(() => (this.running = null));
  }
}
