export * from './json';
export * from './merge-rules';
export * from './merge';
export * from './release-schema';
