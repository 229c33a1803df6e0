export * from './transparency.module';
export * from './notices.service';
export * from './registers.service';
export {
  NOTICE_TYPES,
  type NoticeType,
  londonTime,
  inPounds,
  contractPeriod,
  buildTenderNotice,
  buildIntentionNotice,
  buildAwardConfirmation,
  buildCancellation,
} from './notice-builders';
export { type DecisionRecord, type AnnualSummary, annualSummary, buildDecisionRecord } from './decision-register';
export * from './public-fields';
export type * from './procurement-facts';
