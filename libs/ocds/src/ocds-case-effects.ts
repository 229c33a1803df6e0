import { Injectable, OnModuleInit } from '@nestjs/common';
import { EffectRegistry } from '@makebuy/cases';
import { OcdsReleaseService } from './ocds-release.service';

/** Carries out the statechart's `publishRelease` effect, in the transaction of the transition. */
@Injectable()
export class OcdsCaseEffects implements OnModuleInit {
  constructor(
    private readonly effects: EffectRegistry,
    private readonly releases: OcdsReleaseService,
  ) {}

  onModuleInit(): void {
    this.effects.register('publishRelease', async (effect, { tx, row, now }) => {
      await this.releases.publish(tx, { caseId: row.id, tag: effect.tag, now });
    });
  }
}
