import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/** Wakes an in-process outbox relay right after a commit (when api and worker share a process). */
@Injectable()
export class OutboxSignal {
  private readonly emitter = new EventEmitter();
  wake(): void {
    this.emitter.emit('wake');
  }
  onWake(fn: () => void): () => void {
    this.emitter.on('wake', fn);
    return () => this.emitter.off('wake', fn);
  }
}
