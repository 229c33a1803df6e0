import { InitialSchema1732350000000 } from './1732350000000-initial-schema';
import { FlagsAwardChecks1732357700000 } from './1732357700000-flags-award-checks';
import { DeadlineClaims1732500000000 } from './1732500000000-deadline-claims';
import { TenderingIndexes1732600000000 } from './1732600000000-tendering-indexes';
import { PeopleRoles1733100000000 } from './1733100000000-people-roles';
import { FlagsSupersededCaseLists1733100000001 } from './1733100000001-flags-superseded-case-lists';
import { Documents1733200000000 } from './1733200000000-documents';
import { Transparency1733300000000 } from './1733300000000-transparency';
import { OcdsReleases1733400000000 } from './1733400000000-ocds-releases';
import { FeedWebhooks1733500000000 } from './1733500000000-feed-webhooks';
import { CaseAuditHead1734000000000 } from './1734000000000-case-audit-head';
import { CaseListIndexes1734200000000 } from './1734200000000-case-list-indexes';
import { CursorPrecision1734300000000 } from './1734300000000-cursor-precision';
import { CaseViewIndexes1735100000000 } from './1735100000000-case-view-indexes';
import { CaseListVisibility1736000000000 } from './1736000000000-case-list-visibility';
import { DeadlinePendingByCase1737000000000 } from './1737000000000-deadline-pending-by-case';
import { CaseWriteIndexes1737100000000 } from './1737100000000-case-write-indexes';
import { CaseWaits1737200000000 } from './1737200000000-case-waits';
import { NotificationsWithoutForeignKeys1737300000000 } from './1737300000000-notifications-without-foreign-keys';
import { DeadlineClaimOrder1737400000000 } from './1737400000000-deadline-claim-order';
import { CaseWaitsSetForm1737500000000 } from './1737500000000-case-waits-set-form';
import { CaseSearchScopedWords1737600000000 } from './1737600000000-case-search-scoped-words';

/** Every migration, in order. New migrations are added here. */
export const MIGRATIONS = [
  InitialSchema1732350000000,
  FlagsAwardChecks1732357700000,
  DeadlineClaims1732500000000,
  TenderingIndexes1732600000000,
  PeopleRoles1733100000000,
  FlagsSupersededCaseLists1733100000001,
  Documents1733200000000,
  Transparency1733300000000,
  OcdsReleases1733400000000,
  FeedWebhooks1733500000000,
  CaseAuditHead1734000000000,
  CaseListIndexes1734200000000,
  CursorPrecision1734300000000,
  CaseViewIndexes1735100000000,
  CaseListVisibility1736000000000,
  DeadlinePendingByCase1737000000000,
  CaseWriteIndexes1737100000000,
  CaseWaits1737200000000,
  NotificationsWithoutForeignKeys1737300000000,
  DeadlineClaimOrder1737400000000,
  CaseWaitsSetForm1737500000000,
  CaseSearchScopedWords1737600000000,
];
