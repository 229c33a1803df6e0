export * from './case-workflow.module';
export * from './case-workflow';
export * from './case-views';
export * from './case-obligations';
export * from './obligations';
