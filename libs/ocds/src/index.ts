export * from './ocds.module';
export * from './ocds-release.service';
export * from './ocds-publication.service';
export { awardId } from './ocds-facts.reader';
