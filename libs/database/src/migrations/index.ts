import { InitialSchema1732350000000 } from './1732350000000-initial-schema';
import { FlagsAwardChecks1732357700000 } from './1732357700000-flags-award-checks';
import { DeadlineClaims1732500000000 } from './1732500000000-deadline-claims';
import { TenderingIndexes1732600000000 } from './1732600000000-tendering-indexes';
import { Documents1733200000000 } from './1733200000000-documents';

/** Every migration, in order. New migrations are added here. */
export const MIGRATIONS = [
  InitialSchema1732350000000,
  FlagsAwardChecks1732357700000,
  DeadlineClaims1732500000000,
  TenderingIndexes1732600000000,
  Documents1733200000000,
];
