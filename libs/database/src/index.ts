export * from './ensure-database';
export * from './reachability';
export * from './data-source.factory';
export * from './database.module';
export * from './transaction';
export * from './connection-errors';
export * from './migrations';
export * from './pagination';
