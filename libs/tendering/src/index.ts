export * from './tendering.module';
