export * from './directory.entities';
export * from './directory.service';
export * from './directory.module';
