export * from './connection-guard';
