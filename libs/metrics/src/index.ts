export * from './metrics.service';
export * from './connection-watch.service';
export * from './metrics-collectors.service';
export * from './metrics.module';
