export {
  FLAG_STATUSES,
  FLAG_RESOLUTIONS,
  AWARD_CHECK_RUN_STATUSES,
  type FlagStatus,
  type FlagResolution,
  type AwardCheckRunStatus,
  type FlagEntity,
} from './flag.entities';
export * from './flags.service';
export * from './flag-resolution.service';
export * from './award-checks.service';
export * from './award-checks.redrive';
export * from './awards.service';
export * from './award-facts.assembly';
export * from './flags.module';
