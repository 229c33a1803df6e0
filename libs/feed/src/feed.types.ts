import type { Role } from '@makebuy/domain';

/** Events anyone may read, without a token (contract: "Change feed and webhooks"). */
export const PUBLIC_FEED_TYPES = [
  'tender.published',
  'tender.updated',
  'tender.closed',
  'award.intended',
  'award.confirmed',
  'case.cancelled',
] as const;
/** Events only the provider they concern may read. Bid events go to the bidder and nobody else. */
export const PROVIDER_FEED_TYPES = ['bid.received', 'debrief.published', 'representation.resolved'] as const;
/** Events the consortium's commissioners and governance may read. */
export const CONSORTIUM_FEED_TYPES = [
  'case.transitioned',
  'flag.raised',
  'flag.resolved',
  'deadline.breached',
] as const;

export const FEED_TYPES = [...PUBLIC_FEED_TYPES, ...PROVIDER_FEED_TYPES, ...CONSORTIUM_FEED_TYPES] as const;
export type PublicFeedType = (typeof PUBLIC_FEED_TYPES)[number];
export type ProviderFeedType = (typeof PROVIDER_FEED_TYPES)[number];
export type ConsortiumFeedType = (typeof CONSORTIUM_FEED_TYPES)[number];
export type FeedType = (typeof FEED_TYPES)[number];

/**
 * What a writer appends, in the transaction of the change. The audience follows from the type:
 * a provider event names its provider, a consortium event its consortium.
 */
export type NewFeedItem = {
  caseId: string | null;
  ocid: string | null;
  /** the consortium of the case (kept on every item: it scopes webhooks and internal events) */
  consortiumId: string | null;
  data?: Record<string, unknown>;
  at?: Date;
} & (
  | { type: PublicFeedType }
  | { type: ProviderFeedType; providerId: string }
  | { type: ConsortiumFeedType; consortiumId: string }
);

export type FeedAudience = 'public' | 'provider' | 'consortium';

export function audienceOf(type: FeedType): FeedAudience {
  if ((PUBLIC_FEED_TYPES as readonly string[]).includes(type)) return 'public';
  if ((PROVIDER_FEED_TYPES as readonly string[]).includes(type)) return 'provider';
  return 'consortium';
}

/** Who is reading: a principal (structurally), or null for no token. */
export interface FeedReader {
  roles: readonly Role[];
  providerId: string | null;
  consortiumId: string | null;
}

/** A feed item as readers see it. `id` is random (a UUID): it says nothing about other items. */
export interface FeedItemView {
  id: string;
  at: string;
  type: FeedType;
  caseId: string | null;
  ocid: string | null;
  data: Record<string, unknown>;
}

/**
 * The scope of a reader, as data (used by the feed's SQL and by webhook fan-out alike):
 * everyone reads public items; a provider user also its own provider's; commissioners and
 * governance also their consortium's (governance without a consortium: every consortium's).
 */
export interface FeedScope {
  providerId: string | null;
  /** null: no consortium items; 'all': every consortium's */
  consortium: string | 'all' | null;
}

export function scopeOf(reader: FeedReader | null): FeedScope {
  if (!reader) return { providerId: null, consortium: null };
  const providerId = reader.roles.includes('provider') ? reader.providerId : null;
  let consortium: FeedScope['consortium'] = null;
  if (reader.roles.includes('commissioner') && reader.consortiumId) consortium = reader.consortiumId;
  if (reader.roles.includes('governance')) consortium = reader.consortiumId ?? 'all';
  return { providerId, consortium };
}

/** The same rule as the feed's SQL, for one item (webhook fan-out). */
export function inScope(
  scope: FeedScope,
  item: { audience: FeedAudience; providerId: string | null; consortiumId: string | null },
): boolean {
  switch (item.audience) {
    case 'public':
      return true;
    case 'provider':
      return scope.providerId !== null && item.providerId === scope.providerId;
    case 'consortium':
      return scope.consortium === 'all' || (scope.consortium !== null && scope.consortium === item.consortiumId);
  }
}
