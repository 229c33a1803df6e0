export * from './deadlines.module';
