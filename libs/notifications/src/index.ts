export * from './notifications.module';
export * from './notifications.service';
export * from './audience.registry';
export * from './case-governance.service';
export * from './notices';
