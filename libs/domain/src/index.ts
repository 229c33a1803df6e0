export * from './errors/domain-error';
export * from './case';
export * from './governance/policy.types';
export * from './calendar';
export * from './flags';
export * from './ocds';
export * from './tender';
