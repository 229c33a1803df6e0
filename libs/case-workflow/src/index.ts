export * from './case-workflow.module';
export * from './case-workflow.service';
export * from './case-views.service';
export * from './case-obligations.service';
export * from './obligations.rules';
export * from './case-tasks.service';
export * from './case-list.service';
