export * from './conflicts.module';
