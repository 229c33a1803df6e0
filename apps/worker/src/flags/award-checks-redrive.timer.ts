import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { AwardChecksRedrive } from '@makebuy/flags';

/** Sweeps unfinished award-check runs on the reconcile interval (worker role only). */
@Injectable()
export class AwardChecksRedriveTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AwardChecksRedriveTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly redrive: AwardChecksRedrive,
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
      .catch((e) => this.log.warn(`award-checks sweep failed: ${(e as Error).message}`))
      .finally(() => (this.running = null));
  }
}
