import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { AwardChecksRedrive } from '@makebuy/flags';
import { isConnectionUnavailable } from '@makebuy/database';
import { PeriodicPass, RedisUnavailable } from '@makebuy/queue';
import { ConnectionWatch } from '@makebuy/metrics';

/** Sweeps unfinished award-check runs on the reconcile interval (worker role only). */
@Injectable()
export class AwardChecksRedriveTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AwardChecksRedriveTimer.name);
  private readonly loop: PeriodicPass;

  constructor(redrive: AwardChecksRedrive, watch: ConnectionWatch, @Inject(APP_CONFIG) config: AppConfig) {
    this.loop = new PeriodicPass(
      () => redrive.sweep(),
      (e) => {
        // an outage is logged once by ConnectionWatch, not on every tick
        if (isConnectionUnavailable(e)) watch.failed('postgres', e);
        else if (!(e instanceof RedisUnavailable)) this.log.warn(`award-checks sweep failed: ${(e as Error).message}`);
      },
      { everyMs: config.reconcileIntervalMs, atStart: false },
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }
}
