export * from './json';
export * from './merge-rules';
export * from './merge';
export * from './release-schema';
export * from './release-builder';
