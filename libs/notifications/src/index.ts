export * from './notifications.module';
export * from './notifications.service';
export * from './notice-dispatcher.service';
export * from './case-governance.service';
export * from './notices';
