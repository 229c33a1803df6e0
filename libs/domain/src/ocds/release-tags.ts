/** The release tags this publisher uses (OCDS releaseTag codelist). */
export const OCDS_RELEASE_TAGS = [
  'tender',
  'tenderUpdate',
  'tenderCancellation',
  'award',
  'awardUpdate',
  'contract',
] as const;
export type OcdsReleaseTag = (typeof OCDS_RELEASE_TAGS)[number];
