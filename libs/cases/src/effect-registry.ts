import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor, CaseEffect, Decision } from '@makebuy/domain';
import type { CaseEntity } from './case.entities';

export interface EffectContext {
  tx: EntityManager;
  /** the case row as saved by this command */
  row: CaseEntity;
  decision: Decision;
  now: Date;
  actor: Actor;
}
export type EffectHandler<E extends CaseEffect = CaseEffect> = (effect: E, ctx: EffectContext) => Promise<void>;

/**
 * Side effects come out of a transition as data; features register the handler for each kind.
 * Handlers run inside the command's transaction and only write rows (deadlines, outbox, notices):
 * the outbox relay carries out the rest after commit.
 */
@Injectable()
export class EffectRegistry {
  private readonly handlers = new Map<CaseEffect['type'], EffectHandler[]>();

  register<T extends CaseEffect['type']>(type: T, handler: EffectHandler<Extract<CaseEffect, { type: T }>>): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler as EffectHandler]);
  }

  async run(effects: CaseEffect[], ctx: EffectContext): Promise<void> {
    for (const effect of effects) {
      const hs = this.handlers.get(effect.type);
      if (!hs?.length) throw new Error(`no handler registered for case effect ${effect.type}`);
      for (const h of hs) await h(effect, ctx);
    }
  }
}
