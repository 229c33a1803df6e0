export * from './cpv';
