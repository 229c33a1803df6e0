import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { CheckedTarget, HostResolver, WebhookTargetPolicy } from './target-policy';

/** The resolver the target policy uses; tests may provide their own. */
export const WEBHOOK_HOST_RESOLVER = Symbol('WEBHOOK_HOST_RESOLVER');

/** The configured SSRF policy (WEBHOOK_ALLOWED_HOSTS) as a service. */
@Injectable()
export class WebhookTargets {
  readonly policy: WebhookTargetPolicy;
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(WEBHOOK_HOST_RESOLVER) resolver: HostResolver) {
    this.policy = new WebhookTargetPolicy(config.webhooks.allowedHosts, resolver);
  }
  check(url: string): Promise<CheckedTarget> {
    return this.policy.check(url);
  }
}
