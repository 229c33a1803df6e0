export * from './app-config';
export * from './policy.loader';
export * from './settings.module';
export * from './clock';
export * from './shutdown-logger';
export * from './log-redaction';
export * from './heap-policy';
