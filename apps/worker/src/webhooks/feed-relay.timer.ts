import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { FeedSequencer } from '@makebuy/feed';
import { WebhookFanOut } from '@makebuy/webhooks';
import { OutboxSignal, PeriodicPass } from '@makebuy/queue';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/**
 * The feed's relay: places committed feed items (positions in commit-visible order, see
 * docs/feed.md), then fans them out to webhook endpoints. Woken after every commit in this
 * process and on a timer (for commits made by other processes).
 */
@Injectable()
export class FeedRelayTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(FeedRelayTimer.name);
  private readonly loop: PeriodicPass;

  constructor(
    private readonly sequencer: FeedSequencer,
    private readonly fanOut: WebhookFanOut,
    private readonly signal: OutboxSignal,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.loop = new PeriodicPass(
      () => this.pass(),
      (e) => this.log.warn(`feed relay pass failed: ${(e as Error).message}`),
      { everyMs: config.outboxPollIntervalMs, atStart: true, wakeOn: signal },
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async pass(): Promise<void> {
    // another process placing items right now: its pass covers ours, the next tick catches up
    await this.sequencer.placeCommitted();
    const created = await this.fanOut.dispatch();
    if (created) this.signal.wake(); // the outbox relay publishes the delivery jobs
  }
}
