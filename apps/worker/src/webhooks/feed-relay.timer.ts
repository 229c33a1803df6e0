import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { FeedSequencer } from '@makebuy/feed';
import { WebhookFanOut } from '@makebuy/webhooks';
import { OutboxSignal } from '@makebuy/queue';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/**
 * The feed's relay: places committed feed items (positions in commit-visible order, see
 * docs/feed.md), then fans them out to webhook endpoints. Woken after every commit in this
 * process and on a timer (for commits made by other processes).
 */
@Injectable()
export class FeedRelayTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(FeedRelayTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly sequencer: FeedSequencer,
    private readonly fanOut: WebhookFanOut,
    private readonly signal: OutboxSignal,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.signal.onWake(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.config.outboxPollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running?.catch(() => undefined);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((e) => this.log.warn(`feed relay pass failed: ${(e as Error).message}`))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    // another process placing items right now: its pass covers ours, the next tick catches up
    await this.sequencer.placeCommitted();
    const created = await this.fanOut.dispatch();
    if (created) this.signal.wake(); // the outbox relay publishes the delivery jobs
  }
}
