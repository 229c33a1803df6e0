export * from './directory.entities';
export * from './directory.service';
export * from './directory.module';
export * from './person-cache';
export * from './cli/with-directory';
