export * from './case.types';
export * from './case.rules';
export * from './case.machine';
export * from './case.runtime';
export * from './case.statechart';
