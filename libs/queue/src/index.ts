export * from './queue.catalogue';
export * from './redis-connection';
export * from './outbox.entity';
export * from './outbox.writer';
export * from './outbox.signal';
export * from './outbox.relay';
export * from './queue.gateway';
export * from './queue.module';
