export * from './conflicts.module';
export * from './conflicts.service';
export * from './conflicts-case-parts';
export * from './interests.service';
export * from './declarations.service';
export * from './panel.service';
export * from './annual-declarations.service';
export { ANNUAL_DECLARATION_NOTICE } from './declaration-reminders';
export type { ConflictLink, DetectionReason } from './conflict-detection.service';
export {
  exclusionFor,
  conflictCheckStatus,
  isCalendarDate,
  londonDate,
  monthsBefore,
  endedInterestCutoff,
  annualDeclarationDue,
} from './conflict.rules';
export type { Exclusion, ConflictCheckStatus, PanelDeclarationState } from './conflict.rules';
